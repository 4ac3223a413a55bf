import Foundation
import Testing
@testable import HMMBench

@Suite("RunReport")
struct RunReportTests {
    typealias F = ReportFixtures

    @Test func textShowsEverythingAReviewerAsksFor() throws {
        let rec = F.record(F.sweep(), skipped: [SkippedFlow(flow: "exclusive-access", params: ["size": "2M"],
                                                            reason: "uapi 5.8 has no HMM_DMIRROR_EXCLUSIVE")])
        let text = TextExporter().render(RunReport(F.loaded(rec, "base.json")))
        #expect(F.overlong(text).isEmpty, "\(F.overlong(text))")
        for needle in ["base.json", "backend kernel", "kvm", "kernel 6.12.0", "uapi 6.1", "GiB/s", "pages/s",
                       "copy-bandwidth ratio 0.41", "check", "ok: all pages on device 0", "p99", "CI",
                       "pgmigrate_success 512", "thp_migration_success 1", "TLB shootdowns",
                       "Skipped flows:", "exclusive-access size=2M: uapi 5.8", "n 16"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
        // Uninteresting counters stay out of the text report.
        #expect(!text.contains("nr_free_pages"))
        #expect(!text.contains("!!"))
    }

    @Test func loudLinesForSimulatedTcgAndIncomplete() throws {
        let rec = F.record([F.result(meanNs: 5e5, backend: .simulated, checkPassed: false)],
                           environment: F.environment(backend: .simulated, virtualization: "tcg"), complete: false)
        let r = RunReport(F.loaded(rec, "sim.json"))
        let text = TextExporter().render(r)
        #expect(text.contains("!! SIMULATED"))
        #expect(text.contains("!! TCG"))
        #expect(text.contains("functional evidence, not hardware speed"))
        #expect(text.contains("!! INCOMPLETE") && text.contains("interrupted by SIGINT"))
        #expect(text.contains("FAILED: 12 pages still in system memory"))
        #expect(F.overlong(text).isEmpty)
        let md = MarkdownExporter().render(r)
        #expect(md.contains("> **SIMULATED") && md.contains("**FAILED**"))
    }

    @Test func resultOnAnotherBackendIsMarked() throws {
        let rec = F.record([F.result(meanNs: 1e6), F.result("numa-move-pages", meanNs: 1e6, backend: .simulated)])
        let r = RunReport(F.loaded(rec, "k.json"))
        #expect(r.banners.contains { $0.contains("simulated backend") })
        #expect(TextExporter().render(r).contains("[simulated backend]"))
    }

    @Test func numbersMatchTheSamples() throws {
        let res = F.result(meanNs: 2_000_000, spread: 0.02, n: 8)
        let r = RunReport(F.loaded(F.record([res]), "x.json"))
        let row = try #require(r.results.first)
        let s = Statistics.summarize(res.samplesNs)
        #expect(row.time.n == s.n && row.time.mean == s.mean && row.time.median == s.median && row.time.p99 == s.p99)
        #expect(row.time.stddev == s.stddev && row.time.cv == s.cv)
        #expect(row.time.ci95Low == s.ci95Low && row.time.ci95High == s.ci95High)
        #expect(abs(row.gibPerS.mean - res.throughput.gibPerS.mean) < 1e-12)
        #expect(abs(row.pagesPerSMean - res.throughput.pagesPerS.mean) < 1e-6)
        #expect(row.notableCounters["interrupts:TLB"] != nil && row.notableCounters["nr_free_pages"] == nil)
    }

    @Test func emptyRunStillReports() throws {
        let text = TextExporter().render(RunReport(F.loaded(F.record([], complete: false), "empty.json")))
        #expect(text.contains("No results.") && text.contains("INCOMPLETE"))
    }
}
