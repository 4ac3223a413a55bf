import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// A kernel run may hold simulated results (NUMA flows on a one-node box):
/// they are marked and never trip the regression gate.
struct SimulatedResultGateTests {
    func runs(numaScale: Double, mirrorScale: Double) -> [LoadedRun] {
        let base = ReportFixtures.record([
            ReportFixtures.result("migrate-to-dev", meanNs: 1_000_000),
            ReportFixtures.result("numa-move-pages", extra: ["batch": "512"], meanNs: 1_000_000, backend: .simulated),
        ])
        let new = ReportFixtures.record([
            ReportFixtures.result("migrate-to-dev", meanNs: 1_000_000 * mirrorScale),
            ReportFixtures.result("numa-move-pages", extra: ["batch": "512"], meanNs: 1_000_000 * numaScale, backend: .simulated),
        ])
        return [ReportFixtures.loaded(base, "base.json"), ReportFixtures.loaded(new, "new.json")]
    }

    @Test func simulatedRegressionDoesNotTripTheGate() throws {
        let c = try Comparison.build(runs(numaScale: 2, mirrorScale: 1), options: CompareOptions(failOnRegressionPct: 5))
        let numa = try #require(c.results.first { $0.flow == "numa-move-pages" })
        #expect(numa.simulated)
        #expect(numa.metrics[0].cells[1].significant)
        #expect(c.gate?.regressions.isEmpty == true)
        #expect(TextExporter().render(c).contains("[SIMULATED]"))
    }

    @Test func kernelRegressionStillTripsIt() throws {
        let c = try Comparison.build(runs(numaScale: 1, mirrorScale: 2), options: CompareOptions(failOnRegressionPct: 5))
        #expect(c.results.first { $0.flow == "migrate-to-dev" }?.simulated == false)
        #expect(c.gate?.regressions.isEmpty == false)
    }

    @Test func everyCSVRowHasTheHeadersFieldCount() throws {
        var rs = runs(numaScale: 1, mirrorScale: 1)
        rs[1].record.results.removeLast()   // one unmatched result
        let csv = CSVExporter().render(try Comparison.build(rs, options: CompareOptions()))
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).count }
        #expect(rows.count > 2)
        #expect(Set(rows).count == 1, "\(rows)")
    }

    /// Every run simulated: the gate does not apply and says why, unless
    /// --gate-simulated.
    @Test func simulatedOnlyComparisonDoesNotApplyTheGate() throws {
        let env = ReportFixtures.environment(backend: .simulated)
        let base = ReportFixtures.record([ReportFixtures.result(meanNs: 1_000_000, backend: .simulated)], environment: env)
        let slow = ReportFixtures.record([ReportFixtures.result(meanNs: 2_000_000, backend: .simulated)], environment: env)
        let runs = [ReportFixtures.loaded(base, "a.json"), ReportFixtures.loaded(slow, "b.json")]
        let c = try Comparison.build(runs, options: CompareOptions(failOnRegressionPct: 5))
        let g = try #require(c.gate)
        #expect(!g.applied && !g.failed && g.state == "not applied")
        #expect(g.ignored.map(\.metric).sorted() == ["throughput", "time"])
        #expect(g.note?.contains("every run is simulated") == true)
        let text = TextExporter().render(c)
        #expect(text.contains("Regression gate (--fail-on-regression 5.00%): not applied"))
        #expect(text.contains("not counted (simulated)"))
        let forced = try Comparison.build(runs, options: CompareOptions(failOnRegressionPct: 5, gateSimulated: true))
        #expect(forced.gate?.applied == true && forced.gate?.failed == true)
        #expect(forced.gate?.ignored.isEmpty == true)
    }
}
