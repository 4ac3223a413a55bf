import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("Exporters")
struct ExporterTests {
    typealias F = ReportFixtures

    func sample() throws -> Comparison {
        let a = F.record(F.sweep() + [F.result("only-a", meanNs: 1e6)])
        let b = F.record(F.sweep(scale: 0.8), environment: F.environment(kernel: "6.13.0"))
        return try Comparison.build([F.loaded(a, "base.json"), F.loaded(b, "new,odd\"name.json")],
                                    options: CompareOptions(failOnRegressionPct: 3))
    }

    /// Minimal RFC 4180 parser for the checks below.
    static func parseCSV(_ s: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var it = Array(s), i = 0
        while i < it.count {
            let ch = it[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < it.count && it[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true }
            else if ch == "," { row.append(field); field = "" }
            else if ch == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(ch) }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        it = []
        return rows
    }

    @Test func oneProtocolEveryFormat() throws {
        #expect(ReportFormat.allCases.map { $0.exporter.format } == ReportFormat.allCases)
        #expect(try ReportFormat.parse("md") == .markdown)
        #expect(throws: HMMBenchError.self) { try ReportFormat.parse("xml") }
    }

    /// The metrics format (LKP stats, LAVA measurements): every line is
    /// `key: number` by the strict pattern, n/a values are left out, and
    /// a failed or skipped entry is a line of its own.
    @Test func metricsLinesAreStrictKeyNumberPairs() throws {
        let pattern = try Regex("^[a-z0-9_.-]+: -?[0-9.e+-]+$")
        var rec = F.record(F.sweep() + [F.result("single", meanNs: 1e6, n: 1)],
                           skipped: [SkippedFlow(flow: "cross-device", params: ["memory": "coherent"], reason: "no dev2")])
        rec.failed = [FailedFlow(flow: "migrate-to-dev", params: ["size": "2M", "mapping": "THP"], stage: .measure,
                                 reason: "EINVAL", errno: EINVAL)]
        let run = MetricsExporter().render(RunReport(F.loaded(rec, "base.json")))
        let cmp = try ReportFormat.metrics.exporter.render(try sample())
        for text in [run, cmp] {
            let lines = text.split(separator: "\n").map(String.init)
            #expect(!lines.isEmpty)
            for line in lines { #expect(line.wholeMatch(of: pattern) != nil, "not key: number: \(line)") }
        }
        #expect(run.contains("migrate-to-dev.mapping-thp.size-2m.failed: 1\n"))
        #expect(run.contains("cross-device.memory-coherent.skipped: 1\n"))
        // n = 1: the spread is n/a, so no stddev line; the mean is there.
        #expect(run.contains("single.") && run.contains(".time_n: 1\n"))
        #expect(!run.split(separator: "\n").contains { $0.hasPrefix("single") && $0.contains("time_stddev_ns") })
        #expect(cmp.contains("_change_pct.b: "))
    }

    @Test func csvIsRectangularAndCarriesContext() throws {
        let c = try sample()
        let rows = Self.parseCSV(CSVExporter().render(c))
        let header = rows[0]
        #expect(rows.dropFirst().allSatisfy { $0.count == header.count })
        let idx = try #require(header.firstIndex(of: "backend")), v = try #require(header.firstIndex(of: "virtualization"))
        #expect(rows.dropFirst().allSatisfy { $0[idx] == "kernel" && $0[v] == "kvm" })
        #expect(rows.contains { $0.contains("new,odd\"name.json") })
        #expect(rows.contains { $0.last(where: { $0.hasPrefix("unmatched") }) != nil })
        // 4 sizes x 2 metrics x 2 runs + 1 unmatched
        #expect(rows.count == 1 + 16 + 1)

        let r = RunReport(F.loaded(F.record(F.sweep(), skipped: [SkippedFlow(flow: "exclusive", params: [:], reason: "uapi 5.8 lacks it")]), "r.json"))
        let rr = Self.parseCSV(CSVExporter().render(r))
        #expect(rr.dropFirst().allSatisfy { $0.count == rr[0].count })
        #expect(rr.count == 1 + 4 + 1)
        #expect(rr.last?.last == "uapi 5.8 lacks it")
        let pg = try #require(rr[0].firstIndex(of: "pgmigrate_success"))
        #expect(rr[1][pg] == "1.0")
    }

    @Test func jsonRoundTrips() throws {
        let c = try sample()
        let text = try JSONExporter().render(c)
        let back = try JSONDecoder().decode(Comparison.self, from: Data(text.utf8))
        #expect(back == c)
        #expect(text.contains("\"failed\" : true"))
        let r = RunReport(F.loaded(F.record(F.sweep()), "r.json"))
        let rBack = try JSONDecoder().decode(RunReport.self, from: Data(try JSONExporter().render(r).utf8))
        #expect(rBack == r)
    }

    @Test func markdownHasTablesAndEscapedMarks() throws {
        let md = MarkdownExporter().render(try sample())
        #expect(md.contains("| Run | File | Backend | Virtualization |"))
        #expect(md.contains("`*") )
        #expect(md.contains("|---|"))
        #expect(md.contains("**FAIL**"))
    }

    @Test func textLayoutHelpers() {
        #expect(TextLayout.change(12.34, significant: true) == "*  12.34%*")
        #expect(TextLayout.change(1.02, significant: false) == "(   1.02%)")
        #expect(TextLayout.change(-5, significant: false) == "(  -5.00%)")
        #expect(TextLayout.pValue(0.00001) == "<0.0001")
        #expect(TextLayout.pValue(0.0421) == "0.0421")
        #expect(TextLayout.size(2 * 1_048_576) == "2M")
        #expect(TextLayout.size(4096) == "4K")
        #expect(TextLayout.compact(404_812) == "404.8k")
        #expect(TextLayout.decimals(for: 1.2345) == 3)
        #expect(TextLayout.decimals(for: 123.4) == 1)
        let long = String(repeating: "word ", count: 40) + String(repeating: "x", count: 100)
        #expect(TextLayout.wrap(long).allSatisfy { $0.count <= 72 })
        #expect(TextLayout.wrap(long).joined(separator: " ").filter { $0 == "x" }.count == 100)
    }
}
