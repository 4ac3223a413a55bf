import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("Review block")
struct ReviewExporterTests {
    @Test func theBlockAReviewerPastes() throws {
        var c = try TLBExample.comparison(releaseB: "6.12.118-g0123456789ab")
        c.box = "host AMD EPYC 7763, 2 CPUs; guest qemu 2 vCPUs, 2 NUMA nodes"
        c.command = "bench/vm/run --kernel debian:6.1 --kernel ~/linux@0123456789ab --suite tlb"
        let text = ReviewExporter().render(c)
        #expect(ReportFixtures.overlong(text).isEmpty, "over 72 columns: \(ReportFixtures.overlong(text))")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("A  kernel 6.1.192"))
        #expect(lines.contains("B  kernel 6.12.118-g0123456789ab, commit 0123456789ab"))
        #expect(text.contains("Box: host AMD EPYC 7763, 2 CPUs;"))
        #expect(text.contains("Virtualization: tcg (software emulation"))
        // The flow, its change with the call, the counters that explain it.
        #expect(lines.contains { $0.hasPrefix("numa-move-pages batch=512") && $0.contains("threads=1") })
        let change = try #require(lines.firstIndex { $0.hasPrefix("  B vs A  40.0 ms -> 30.0 ms") }, "\(text)")
        #expect(lines[change].hasSuffix("* -25.00%*"))
        #expect(lines[change + 1].hasPrefix("          CI -2") && lines[change + 1].hasSuffix(", q <0.0001 better"))
        #expect(lines.contains { $0.split(separator: " ") == ["TLB", "shootdowns", "7,363", "->", "16", "(-99.78%)", "/rep"] })
        #expect(lines.contains { $0.split(separator: " ") == ["pgmigrate_success", "8,192", "->", "8,192", "(+0.00%)", "/rep"] })
        #expect(!text.contains("pgmigrate_fail"))    // 0 in both: explains nothing
        #expect(text.contains("Summary: 1 results; 1 better, 0 failed, 0 skipped."))
        // The command pastes back as it was: continued lines, no cut.
        let reproduce = try #require(lines.firstIndex(of: "Reproduce:"))
        let shell = lines[(reproduce + 1)...].prefix { !$0.hasPrefix("====") }
        #expect(shell.count == 2 && shell.first!.hasSuffix(" \\"))
        #expect(shell.map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : $0 }
            .joined(separator: " ").split(separator: " ").joined(separator: " ") == c.command!)
    }

    @Test func everyLineFitsWhateverTheData() throws {
        var c = try TLBExample.comparison()
        c.command = "bench/vm/run " + String(repeating: "--kernel /a/very/long/path/to/a/kernel/tree@v6.12 ", count: 4)
        c.box = String(repeating: "x", count: 200)
        #expect(ReportFixtures.overlong(ReviewExporter().render(c)).isEmpty)
    }

    @Test func reviewIsForComparisonsOnly() throws {
        let run = ReportFixtures.loaded(ReportFixtures.record([ReportFixtures.result(meanNs: 1e6)]), "a.json")
        #expect(throws: HMMBenchError.self) { try ReviewExporter().render(RunReport(run)) }
        #expect(ReportFormat(name: "review") == .review)
    }

    @Test func commitFromRelease() {
        #expect(ReviewExporter.commit(inRelease: "6.12.0-g0123456789ab") == "0123456789ab")
        #expect(ReviewExporter.commit(inRelease: "6.12.0-rc3-00042-gdeadbeef1234") == "deadbeef1234")
        #expect(ReviewExporter.commit(inRelease: "6.1.192") == nil)
        #expect(ReviewExporter.commit(inRelease: "6.1.0-generic") == nil)
    }
}
