import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// What report and compare compute from phase records: shares,
/// unattributed time, the mm-only part of a migration, and the phase a
/// change is in.
struct PhaseSummaryTests {
    static func result(_ flow: String = "migrate-to-dev", phases: [(String, [Double])], times: [Double],
                       headline: [Double]? = nil) -> FlowResult {
        let names = phases.map(\.0)
        let resolution = PhaseResolution(phases: names.map { .init(name: $0, functions: [$0]) }, missing: ["gone"])
        let reps = times.indices.map { i in
            let ph = Dictionary(uniqueKeysWithValues: phases.map { ($0.0, PhaseTime(ns: $0.1[i], calls: 1)) })
            return PhaseRepetition(timeNs: times[i], phases: ph,
                                   unattributedNs: times[i] - phases.reduce(0) { $0 + $1.1[i] })
        }
        var r = FlowResult(flow: flow, params: ["size": "2M"], backend: .kernel, bytesPerOp: 1 << 21, pagesPerOp: 512,
                           warmup: 1, samplesNs: headline ?? times)
        r.phases = PhaseRecord(resolution: resolution, repetitions: reps, profile: nil,
                               headlineMedianNs: r.stats.median, tracedMedianNs: Statistics.summarize(times).median,
                               counters: [:], lostEvents: false, notes: [])
        return r
    }

    @Test func sharesUnattributedAndMMOnly() throws {
        let r = Self.result(phases: [("migrate_vma_setup", [1000, 1000, 1000]), ("migrate_vma_pages", [1000, 1000, 1000]),
                                     ("dmirror_do_read", [5000, 5000, 5000])],
                            times: [10000, 10000, 10000], headline: [8000, 8000, 8000])
        let s = try #require(PhaseSummary(r))
        #expect(s.rows.map(\.phase) == ["migrate_vma_setup", "migrate_vma_pages", "dmirror_do_read"])
        #expect(s.rows[2].share == 0.5)
        #expect(s.rows[2].callsPerOp == 1)
        #expect(s.unattributed.medianNs == 3000)
        #expect(s.mmOnly?.medianNs == 2000)
        #expect(s.mmOnly?.share == 0.2)
        #expect(r.phases?.slowdown == 1.25)
        #expect(r.phases?.distorted == true)
        #expect(r.phases?.missing == ["gone"])
    }

    @Test func reportShowsTheTableMMOnlyAndDistortionIn72Columns() {
        let r = Self.result(phases: [("migrate_vma_setup", [1000, 1000, 1000]), ("dmirror_do_read", [5000, 5000, 5000])],
                            times: [10000, 10000, 10000], headline: [8000, 8000, 8000])
        let text = PhaseText.report([r])
        #expect(text.contains("mm only (migrate_vma_*): 1.0 of 10.0 us/op (10%)"))
        #expect(text.contains("DISTORTED"))
        #expect(text.contains("not traceable here: gone"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("  dmirror_do_read") && $0.hasSuffix("50%") })
        #expect(!text.split(separator: "\n").contains { $0.count > 72 })
        #expect(PhaseText.report([Self.result(phases: [], times: [1, 2])].map { var x = $0; x.phases = nil; return x }) == "")
    }

    /// The mm-only line gives the ratio of the medians and, where it
    /// differs, the median per-repetition share; the remainder has no calls.
    @Test func mmOnlyRatioOfMediansAndUnattributedWithoutCalls() {
        let r = Self.result(phases: [("migrate_vma_setup", [1000, 3000, 3000]), ("dmirror_do_read", [1000, 1000, 1000])],
                            times: [10000, 12000, 20000])
        // Joined back into one line: the sentence is longer than 72 columns.
        let text = PhaseText.report([r]).replacingOccurrences(of: "\n      ", with: " ")
        #expect(text.contains("mm only (migrate_vma_*): 3.0 of 12.0 us/op (25%; median share per repetition 15%)"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("  unattributed") && $0.split(separator: " ")[1] == "-" })
    }

    /// A note every traced result carries is printed once, after them.
    @Test func aNoteOfEveryResultIsSaidOnce() {
        var a = Self.result(phases: [("migrate_vma_setup", [1000, 1000, 1000])], times: [10000, 10000, 10000])
        var b = a
        a.phases?.notes = ["the kernel says no", "only a"]
        b.phases?.notes = ["the kernel says no"]
        let text = PhaseText.report([a, b])
        #expect(text.components(separatedBy: "the kernel says no").count == 2)
        #expect(text.contains("note (every traced result above): the kernel says no"))
        #expect(text.contains("  note: only a"))
        let single = PhaseText.report([a])
        #expect(single.contains("  note: the kernel says no"))
    }

    @Test func skippedRecordHasNoSummary() {
        var r = Self.result(phases: [], times: [1, 2])
        r.phases = PhaseRecord(skipped: "no tracefs")
        #expect(PhaseSummary(r) == nil)
    }

    @Test func comparisonNamesThePhaseThatChanged() {
        let a = Self.result("numa-move-pages", phases: [("move_pages", [5e6, 5.1e6, 4.9e6, 5.2e6, 5e6]),
                                                        ("lru_cache_disable", [1e6, 1.1e6, 0.9e6, 1.05e6, 1e6]),
                                                        ("migrate_pages", [3e6, 3.1e6, 2.9e6, 3e6, 3.05e6])],
                            times: [5.5e6, 5.6e6, 5.4e6, 5.7e6, 5.5e6])
        let b = Self.result("numa-move-pages", phases: [("move_pages", [20e6, 21e6, 19e6, 20.5e6, 20e6]),
                                                        ("lru_cache_disable", [16e6, 17e6, 15e6, 16.5e6, 16e6]),
                                                        ("migrate_pages", [3e6, 3.1e6, 2.9e6, 3.02e6, 3.05e6])],
                            times: [20.5e6, 21.6e6, 19.4e6, 21e6, 20.5e6])
        let c = PhaseComparison(baseline: [a], other: [b])
        #expect(c.changedPhases.map(\.line.phase) == ["lru_cache_disable"])
        #expect(c.lines.first { $0.phase == "migrate_pages" }?.significant == false)
        #expect(c.lines.first { $0.phase == "move_pages" }?.significant == true)
        let text = PhaseText.compare(baseline: LoadedRun(path: "a.json", record: Self.record([a])),
                                     other: LoadedRun(path: "b.json", record: Self.record([b])), alpha: 0.05)
        #expect(text.contains("the change is in lru_cache_disable"))
        #expect(!text.split(separator: "\n").contains { $0.count > 72 })
    }

    /// With the traces' nesting, the phase whose own change is largest is
    /// named even when it carries less than 80% of its parent's: 6.12's
    /// batch-1 move_pages in the 6.1 and 6.12 guests (medians per op, ms:
    /// move_pages 110 -> 168, lru_cache_disable 51 -> 92, migrate_pages 38
    /// -> 56, migrate_pages_batch traced in 6.12 only).
    @Test func nestingNamesTheNarrowestPhaseThatChanged() {
        func jitter(_ x: Double) -> [Double] { [x, x * 1.02, x * 0.98, x * 1.01, x * 0.99] }
        var a = Self.result("numa-move-pages", phases: [("move_pages", jitter(110e6)), ("lru_cache_disable", jitter(51e6)),
                                                        ("migrate_pages", jitter(38e6))],
                            times: jitter(114e6))
        var b = Self.result("numa-move-pages", phases: [("move_pages", jitter(168e6)), ("lru_cache_disable", jitter(92e6)),
                                                        ("migrate_pages", jitter(56e6)), ("migrate_pages_batch", jitter(45e6))],
                            times: jitter(173e6))
        // Without nesting the older rule names the syscall (lru_cache_disable
        // carries 71% of its change).
        #expect(PhaseComparison(baseline: [a], other: [b]).changedPhases.map(\.line.phase) == ["move_pages"])
        a.phases?.nesting = ["lru_cache_disable": "move_pages", "migrate_pages": "move_pages"]
        b.phases?.nesting = ["lru_cache_disable": "move_pages", "migrate_pages": "move_pages",
                             "migrate_pages_batch": "migrate_pages"]
        #expect(PhaseComparison(baseline: [a], other: [b]).changedPhases.map(\.line.phase) == ["lru_cache_disable"])
    }

    static func record(_ results: [FlowResult]) -> RunRecord { ReportFixtures.record(results) }
}
