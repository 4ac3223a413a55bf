import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// KTAP as kselftest prints it: structure, directives, figures, totals and
/// the kselftest exit code. (The kernel's own parser reads the same output
/// in bench/vm/tests/ktap-parser-test.)
@Suite("KTAP exporter")
struct KTAPExporterTests {
    typealias F = ReportFixtures

    /// Three results (one with a failed post-check), one failure, one skip.
    func mixed(complete: Bool = true) -> RunReport {
        var rec = F.record([F.result(size: "4K", meanNs: 2e4), F.result(size: "2M", meanNs: 4e5),
                            F.result("exclusive", size: "64K", meanNs: 1e5, checkPassed: false)],
                           complete: complete,
                           skipped: [SkippedFlow(flow: "cross-device", params: ["memory": "coherent"], reason: "no dev2\nhere")])
        rec.failed = [FailedFlow(flow: "fault-read", params: ["size": "#1"], stage: .measure, reason: "mmap failed", errno: EINVAL)]
        return RunReport(F.loaded(rec, "base.json"))
    }

    nonisolated(unsafe) static let result = #/^(ok|not ok) ([0-9]+) ([^#]*[^# ])( # (.*))?$/#

    @Test func oneTestPerMeasurementWithPlanDirectivesAndTotals() throws {
        let text = KTAPExporter().render(mixed())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "KTAP version 1")
        #expect(lines[1] == "1..5")
        #expect(lines.last == "")
        #expect(lines.dropLast().last == "# Totals: pass:2 fail:2 xfail:0 xpass:0 skip:1 error:0")
        // Every line is a result, the plan, the version or a diagnostic.
        for l in lines.dropLast() {
            #expect(l == "KTAP version 1" || l.hasPrefix("1..") || l.hasPrefix("# ") || l.wholeMatch(of: Self.result) != nil, "\(l)")
        }
        let results = lines.compactMap { $0.wholeMatch(of: Self.result) }
        #expect(results.map { Int($0.output.2)! } == [1, 2, 3, 4, 5])
        #expect(results.map { String($0.output.1) } == ["ok", "ok", "not ok", "not ok", "ok"])
        #expect(results[0].output.3 == "migrate-to-dev mapping=anon size=4K")
        // The '#' of a parameter value cannot start a directive.
        #expect(results[3].output.3 == "fault-read size=_1")
        #expect(results[4].output.5 == "SKIP no dev2 here")
        #expect(results.prefix(4).allSatisfy { $0.output.4 == nil })

        // Figures and reasons are diagnostics directly before their result.
        func before(_ n: Int) -> [String] {
            let i = lines.firstIndex { $0.wholeMatch(of: Self.result)?.output.2 == "\(n)" }!
            return Array(lines[..<i].reversed().prefix { $0.hasPrefix("# ") }.reversed())
        }
        let first = before(1)
        for key in ["time_n: 16", "time_median_ns: ", "time_mean_ns: ", "time_cv: ", "gib_per_s_mean: ", "pages_per_s_mean: ",
                    "counter.pgmigrate_success: 1", "check: ok"] {
            #expect(first.contains { $0.hasPrefix("# " + key) }, "\(key) missing in \(first)")
        }
        #expect(before(2).contains("# counter.pgmigrate_success: 512"))
        #expect(before(3).contains("# check: FAILED: 12 pages still in system memory"))
        #expect(before(4) == ["# FAILED (measure, EINVAL): mmap failed"])
        #expect(before(5).isEmpty)
        #expect(lines[2].hasPrefix("# hmmbench 0.1.0: "))
    }

    @Test func incompleteRunEndsWithAFailedTest() {
        let text = KTAPExporter().render(mixed(complete: false))
        #expect(text.contains("1..6\n"))
        #expect(text.contains("# incomplete: interrupted by SIGINT after 3 of 12 flows\nnot ok 6 run complete\n"))
        #expect(text.hasSuffix("# Totals: pass:2 fail:3 xfail:0 xpass:0 skip:1 error:0\n"))
    }

    /// kselftest's exit codes: any failure 1, only skips 4, else 0 (a
    /// skip beside passes is a pass, as in ksft_finished).
    @Test func kselftestExitCodes() {
        func code(_ results: [FlowResult], skipped: [SkippedFlow] = [], failed: [FailedFlow] = [], complete: Bool = true) -> Int32 {
            var rec = F.record(results, complete: complete, skipped: skipped)
            rec.failed = failed
            return KTAPExporter.Tally(RunReport(F.loaded(rec, "r.json"))).exitCode
        }
        let skip = SkippedFlow(flow: "exclusive", params: [:], reason: "uapi 5.8 lacks it")
        let fail = FailedFlow(flow: "snapshot", params: [:], stage: .check, reason: "pages moved")
        #expect(code(F.sweep()) == 0)
        #expect(code(F.sweep(), skipped: [skip]) == 0)
        #expect(code([], skipped: [skip]) == 4)
        #expect(code(F.sweep(), skipped: [skip], failed: [fail]) == 1)
        #expect(code([], skipped: [skip], failed: [fail]) == 1)
        #expect(code([F.result(meanNs: 1e5, checkPassed: false)]) == 1)
        #expect(code(F.sweep(), complete: false) == 1)
    }

    @Test func aComparisonIsRefusedWithAHint() throws {
        let a = F.record(F.sweep()), b = F.record(F.sweep(scale: 0.9))
        let c = try Comparison.build([F.loaded(a, "a.json"), F.loaded(b, "b.json")], options: CompareOptions())
        #expect(throws: HMMBenchError.self) { try ReportFormat.ktap.exporter.render(c) }
    }
}
