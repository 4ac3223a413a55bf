import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

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

    /// A bimodal result (6.12's batch-1 move_pages with the RCU worker
    /// moved mid-run) gets a modes line naming the separating counter,
    /// and its JSON row the same numbers; a one-group result gets neither.
    @Test func bimodalSamplesAreShownAsTwoModes() throws {
        let cal = ["interrupts:CAL": CounterSummary(source: "interrupts", perRepetition: ModesTests.movedCAL)]
        func moved(_ mode: CounterMode) -> FlowResult {
            FlowResult(flow: "numa-move-pages", params: ["size": "2M", "batch": "1"], backend: .kernel,
                       bytesPerOp: 2 << 20, pagesPerOp: 512, warmup: 2, samplesNs: ModesTests.movedMs.map { $0 * 1e6 },
                       counters: cal, counterMode: mode)
        }
        let r = RunReport(F.loaded(F.record([moved(.paired), F.result(meanNs: 2e6), moved(.separate)]), "m.json"))
        // In the default mode the counters are of other (counted)
        // repetitions: they cannot separate the timed ones.
        #expect(r.results[2].modes?.lowCount == 33 && r.results[2].modes?.separatingCounter == nil)
        let m = try #require(r.results[0].modes)
        #expect(m.lowCount == 33 && m.highCount == 26 && m.betweenCount == 1)
        #expect(m.separatingCounter == "interrupts:CAL")
        #expect(r.results[1].modes == nil)
        let text = TextExporter().render(r)
        #expect(text.contains("modes    two modes: 33 around 36.6"), "\(text)")
        for needle in ["26 around 61.33 ms", "1 between;", "interrupts:CAL separates", "averages them"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
        #expect(F.overlong(text).isEmpty, "\(F.overlong(text))")
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains("\"low_count\":33") && json.contains("\"separating_counter\":\"interrupts:CAL\""))
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

    /// Reports read the summaries a result carries (computed once, by
    /// `FlowResult.summaries`) and never summarise samples on their own:
    /// a result whose carried numbers differ from its samples shows the
    /// carried ones, in the run report and in a comparison's cells.
    @Test func reportsReadTheCarriedSummaries() throws {
        var res = F.result(meanNs: 2_000_000, spread: 0.02, n: 8)
        res.stats.median = 123
        res.stats.mean = 456
        res.throughput.gibPerS.mean = 7.5
        res.throughput.pagesPerS.mean = 42
        let row = try #require(RunReport(F.loaded(F.record([res]), "x.json")).results.first)
        #expect(row.time.median == 123 && row.time.mean == 456)
        #expect(row.gibPerS.mean == 7.5 && row.pagesPerSMean == 42)
        let base = F.result(meanNs: 2_000_000, spread: 0.02, n: 8)
        let cell = PairStatistics.cell(run: "B", res.time, base: base.time)
        #expect(cell.mean == 456 && cell.median == 123)
        #expect(cell.changePct == (456 - base.stats.mean) / base.stats.mean * 100)
    }

    @Test func emptyRunStillReports() throws {
        let text = TextExporter().render(RunReport(F.loaded(F.record([], complete: false), "empty.json")))
        #expect(text.contains("No results.") && text.contains("INCOMPLETE"))
    }

    /// Failures and skips get a row each, with the reason, in every format.
    @Test func failedAndSkippedEntriesGetARow() throws {
        var rec = F.record([F.result(meanNs: 1e6)],
                           skipped: [SkippedFlow(flow: "exclusive", params: ["size": "2M"], reason: "uapi 5.8 has no HMM_DMIRROR_EXCLUSIVE")])
        rec.failed = [FailedFlow(flow: "migrate-to-dev", params: ["size": "64K"], stage: .measure,
                                 reason: "HMM_DMIRROR_MIGRATE_TO_DEV on /dev/hmm_dmirror0: EINVAL (Invalid argument)",
                                 errno: 22, samplesNs: [1000, 1100])]
        let r = RunReport(F.loaded(rec, "f.json"))
        #expect(r.failed.count == 1 && r.skipped.count == 1)
        let text = TextExporter().render(r)
        #expect(F.overlong(text).isEmpty)
        #expect(text.contains("1 results, 1 failed, 1 skipped"))
        #expect(text.contains("Failed flows:") && text.contains("migrate-to-dev size=64K: measure, EINVAL: HMM_DMIRROR"))
        #expect(text.contains("(2 repetitions"))
        #expect(text.contains("Skipped flows:") && text.contains("exclusive size=2M: uapi 5.8"))
        let md = MarkdownExporter().render(r)
        #expect(md.contains("`migrate-to-dev size=64K`: **failed** (measure, EINVAL)"))
        #expect(md.contains("`exclusive size=2M`: uapi 5.8"))
        let csv = ExporterTests.parseCSV(CSVExporter().render(r))
        let outcome = try #require(csv[0].firstIndex(of: "outcome"))
        #expect(csv.dropFirst().map { $0[outcome] } == ["result", "failed", "skipped"])
        #expect(csv.allSatisfy { $0.count == csv[0].count })
        #expect(csv[2].last?.hasPrefix("HMM_DMIRROR_MIGRATE_TO_DEV") == true && csv[2].contains("EINVAL"))
        let json = try JSONExporter().render(r)
        #expect(json.contains("\"errno_name\" : \"EINVAL\"") && json.contains("\"kind\" : \"skipped\""))
    }

    /// n = 1: nothing about the spread is known; n/a, never 0.
    @Test func singleSampleShowsNA() throws {
        let r = RunReport(F.loaded(F.record([F.result(meanNs: 1e6, n: 1)]), "one.json"))
        let t = try #require(r.results.first?.time)
        #expect(t.n == 1 && t.stddev == nil && t.cv == nil && t.ci95Low == nil && t.ci95High == nil)
        let text = TextExporter().render(r)
        #expect(text.contains("sd n/a") && text.contains("CI n/a"))
        #expect(!text.contains("sd 0"))
        let json = try JSONExporter().render(r)
        #expect(!json.contains("\"stddev\"") && !json.contains("\"ci95_low\""))
        #expect(MarkdownExporter().render(r).contains("| n/a |"))
    }
}
