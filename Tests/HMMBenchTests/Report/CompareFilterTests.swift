import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// compare's --flow, --metric and --changed-only, and the summary line
/// it prints first.
@Suite("Compare filters and summary")
struct CompareFilterTests {
    typealias F = ReportFixtures

    /// Base: a 4-size sweep of migrate-to-dev and one snapshot result.
    /// New: the sweep 20% slower (4 worse), snapshot unchanged, and a
    /// failed fault-read.
    func runs() -> [LoadedRun] {
        let snap = F.result("snapshot", size: "64K", meanNs: 5e4)
        var b = F.record(F.sweep(scale: 0.8) + [snap], environment: F.environment(kernel: "6.13.0"))
        b.failed = [FailedFlow(flow: "fault-read", params: ["size": "2M"], stage: .measure, reason: "EFAULT")]
        return [F.loaded(F.record(F.sweep() + [snap]), "a.json"), F.loaded(b, "b.json")]
    }

    func apply(_ filter: CompareFilter, failOn: Double? = nil) throws -> (comparison: Comparison, summary: CompareSummary) {
        try filter.apply(to: try Comparison.build(runs(), options: CompareOptions(failOnRegressionPct: failOn)))
    }

    @Test func summaryCountsEveryResultAndRunAgainstTheBaseline() throws {
        let (c, s) = try apply(CompareFilter())
        #expect(c.results.count == 5)
        #expect(s == CompareSummary(better: 0, worse: 4, withinNoise: 1, untestable: 0, failed: 1, baseline: "A"))
        #expect(s.line == "Against A: 0 better, 4 worse, 1 within noise, 1 failed.")
        #expect(s.metricsLines.contains("summary.within_noise: 1"))
    }

    @Test func flowFilterKeepsThatFlowsRowsAndCounts() throws {
        let (c, s) = try apply(CompareFilter(flows: ["snapshot"]))
        #expect(c.results.map(\.flow) == ["snapshot"])
        #expect(c.outcomes.isEmpty)
        #expect(s.line == "Against A: 0 better, 0 worse, 1 within noise, 0 failed.")
        let (c2, s2) = try apply(CompareFilter(flows: ["fault-read", "migrate-to-dev"]))
        #expect(Set(c2.results.map(\.flow)) == ["migrate-to-dev"])
        #expect(c2.outcomes.map(\.flow) == ["fault-read"])
        #expect(s2.worse == 4)
        #expect(s2.failed == 1)
    }

    @Test func changedOnlyHidesUnchangedResultsButStillCountsThem() throws {
        let (c, s) = try apply(CompareFilter(changedOnly: true))
        #expect(c.results.count == 4)
        #expect(c.results.allSatisfy { $0.flow == "migrate-to-dev" && $0.tests.contains(where: \.significant) })
        #expect(s.withinNoise == 1)
        #expect(c.outcomes.count == 1)
    }

    @Test func metricFilterKeepsThatMetricOnly() throws {
        let (c, _) = try apply(CompareFilter(metrics: ["throughput"]))
        #expect(c.results.allSatisfy { $0.metrics.map(\.name) == ["throughput"] })
        let (t, _) = try apply(CompareFilter(metrics: ["time"]))
        #expect(t.results.allSatisfy { $0.metrics.map(\.name) == ["time"] })
    }

    @Test func unknownFlowOrMetricIsBadInput() throws {
        #expect { try apply(CompareFilter(flows: ["no-such-flow"])) } throws: { e in
            let e = e as! HMMBenchError
            return e.exitCode == 2 && e.message.contains("--flow no-such-flow") && e.hint!.contains("migrate-to-dev, snapshot")
        }
        #expect { try CompareOptions(filter: CompareFilter(metrics: ["latency"])).validate() } throws: { e in
            (e as! HMMBenchError).message == "unknown metric 'latency'"
        }
    }

    /// Filters only hide rows: a regression outside the filter still
    /// fails the gate, and the summary comes first in text.
    @Test func filtersNeverHideARegressionFromTheGate() throws {
        let dir = F.tempDir()
        let paths = runs().map { F.write($0.record, $0.name, in: dir) }
        let out = try ReportTools.compare(paths: paths, options: CompareOptions(failOnRegressionPct: 5, filter: CompareFilter(flows: ["snapshot"])),
                                          format: .text)
        #expect(out.gateFailed)
        #expect(out.output.hasPrefix("Against A: 0 better, 0 worse, 1 within noise, 0 failed.\n\nhmmbench compare: "))
        #expect(out.comparison.results.map(\.flow) == ["snapshot"])
        #expect(out.output.contains("Summary: 1 results compared"))
        // The gate still names the regressions the filter hid.
        #expect(out.output.contains("run B time +23.98% (q <0.0001): migrate-to-dev mapping=anon size=16M"))
        let md = try ReportTools.compare(paths: paths, options: CompareOptions(), format: .markdown)
        #expect(md.output.hasPrefix("**Against A: 0 better, 4 worse, 1 within noise, 1 failed.**\n\n"))
        let csv = try ReportTools.compare(paths: paths, options: CompareOptions(), format: .csv)
        #expect(!csv.output.contains("Against A"))
    }
}
