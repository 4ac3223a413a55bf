import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("Rounds: pooled boots")
struct RoundPoolingTests {
    typealias F = ReportFixtures

    /// One boot: the flow at `meanNs`, 1% spread within the boot.
    func round(_ meanNs: Double, second: Double? = nil, name: String) -> LoadedRun {
        var results = [F.result(meanNs: meanNs, spread: 0.01, n: 16)]
        if let second { results.append(F.result("migrate-to-sys", meanNs: second, spread: 0.01, n: 16)) }
        return F.loaded(F.record(results), name)
    }

    @Test func poolsSamplesAndCountersAndMeasuresBothSpreads() throws {
        let (run, spreads) = RoundPooling.pool([round(1_000_000, name: "a1.json"), round(1_040_000, name: "a2.json")], label: "A")
        let r = try #require(run.record.results.first)
        #expect(r.samplesNs.count == 32)
        #expect(r.counters["pgmigrate_success"]?.perRepetition.count == 32)
        #expect(abs(r.stats.mean - 1_020_000) < 200)
        #expect(run.name == "a1.json+a2.json")
        let s = try #require(spreads[r.matchKey])
        #expect(s.rounds == 2 && s.run == "A")
        #expect(s.roundMeansNs.count == 2)
        // Between boots: sd of (1.00, 1.04) ms over 1.02 ms, about 2.8%.
        #expect(abs(s.betweenCV! - Statistics.stddev(s.roundMeansNs) / r.stats.mean) < 1e-12)
        #expect(s.betweenCV! > 0.02 && s.betweenCV! < 0.035)
        // Within a boot: the fixture's 1% spread, far below.
        #expect(s.withinCV! < 0.01)
    }

    @Test func aDriftBetweenBootsIsNotAChange() throws {
        // The same kernel booted four times, A, B, A, B: the host drifts
        // 3% from boot to boot. The per-sample tests see 32 samples a side
        // with 1% spread and would call the 3% difference; the boots
        // take it back. A real 30% change stays called.
        let groups = [[round(1_000_000, second: 500_000, name: "a1.json"), round(1_030_000, second: 520_000, name: "a2.json")],
                      [round(1_030_000, second: 650_000, name: "b1.json"), round(1_060_000, second: 676_000, name: "b2.json")]]
        let c = try Comparison.build(rounds: groups, options: CompareOptions())
        #expect(c.rounds == 2)
        let same = try #require(c.results.first { $0.flow == "migrate-to-dev" })
        let noise = try #require(same.bootNoise.first)
        #expect(noise.withinSpread && noise.uncalled)
        #expect(abs(noise.changePct) < noise.spreadPct)
        #expect(same.tests[0].p! < 0.05)             // the samples alone differ
        #expect(!same.tests[0].significant && same.tests[0].verdict == "no change")
        #expect(same.metrics.allSatisfy { !$0.cells[1].significant })
        #expect(same.boots.map(\.run) == ["A", "B"])
        let real = try #require(c.results.first { $0.flow == "migrate-to-sys" })
        #expect(real.tests[0].significant && real.tests[0].verdict == "worse")
        #expect(real.bootNoise.first?.withinSpread == false)
        #expect(c.multipleTesting.called == 1)

        let text = TextExporter().render(c)
        #expect(F.overlong(text).isEmpty)
        #expect(text.contains("boots     A: 2 rounds; CV within a boot"))
        #expect(text.contains("is smaller than the between-boot spread"))
        #expect(text.contains("is beyond the between-boot spread"))
        let review = ReviewExporter().render(c)
        #expect(F.overlong(review).isEmpty)
        #expect(review.contains("Rounds: 2 boots of each kernel"))
        #expect(review.contains("1 change(s) smaller than the between-boot spread."))
    }

    @Test func oneRoundIsAPlainComparison() throws {
        let c = try Comparison.build(rounds: [[round(1_000_000, name: "a.json")], [round(1_200_000, name: "b.json")]],
                                     options: CompareOptions())
        #expect(c.rounds == 1 && c.results[0].boots.isEmpty && c.results[0].bootNoise.isEmpty)
        #expect(c.results[0].tests[0].significant)
    }

    @Test func groupsWantNFilesPerRun() throws {
        #expect(try RoundPooling.groups([1, 2, 3, 4], rounds: 2) == [[1, 2], [3, 4]])
        #expect(throws: HMMBenchError.self) { try RoundPooling.groups([1, 2, 3], rounds: 2) }
        #expect(throws: HMMBenchError.self) { try RoundPooling.groups([1, 2], rounds: 2) }
    }
}
