import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("Comparison")
struct ComparisonTests {
    typealias F = ReportFixtures

    func compare(_ records: [RunRecord], _ options: CompareOptions = CompareOptions()) throws -> Comparison {
        try Comparison.build(records.enumerated().map { F.loaded($0.element, "run\($0.offset).json") }, options: options)
    }

    func cell(_ c: Comparison, _ flow: String, _ metric: String, run: Int) throws -> MetricCell {
        let r = try #require(c.results.first { $0.flow == flow })
        let m = try #require(r.metrics.first { $0.name == metric })
        return m.cells[run]
    }

    func test(_ c: Comparison, _ flow: String, run: String = "B") throws -> PairTest {
        let r = try #require(c.results.first { $0.flow == flow })
        return try #require(r.tests.first { $0.run == run })
    }

    @Test func significantRegressionIsMarkedAndTimeDirectionIsRight() throws {
        let base = F.record([F.result(meanNs: 1_000_000)])
        let new = F.record([F.result(meanNs: 1_100_000)])        // 10% slower
        let c = try compare([base, new])
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(t.significant && t.verdict == "worse")
        #expect(abs(t.changePct! - 10) < 0.01)
        let test = try test(c, "migrate-to-dev")
        #expect(test.p! < 1e-5 && test.q! < 1e-5 && test.verdict == "worse")
        // The fixture repeats 8 offsets, so its samples tie: normal U.
        // SciPy 1.17.1: scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
        // method='asymptotic').pvalue with a, b = ReportFixtures.samples(...)
        // rebuilt in Python: 1.4912958848212399e-06. p is the larger one.
        #expect(test.mannWhitney?.method == .normal)
        #expect(abs(test.mannWhitney!.p - 1.4912958848212399e-06) < 1e-9 * 1.5e-6)
        #expect(test.p == test.mannWhitney!.p)
        let g = try cell(c, "migrate-to-dev", "throughput", run: 1)
        #expect(g.significant && g.verdict == "worse" && g.changePct! < 0)
        let text = TextExporter().render(c)
        #expect(text.contains("*  10.00%*"))
        #expect(text.contains("time: lower is better"))
        #expect(text.contains("GiB/s: higher is better"))
        #expect(F.overlong(text).isEmpty)
    }

    /// A run whose samples fall into two modes (6.12's batch-1
    /// move_pages with the RCU worker moved mid-run) gets a line saying
    /// so under its test; the one-mode baseline does not.
    @Test func aBimodalRunIsNamedUnderItsTest() throws {
        let params = ["size": "2M", "batch": "1", "mapping": "anon"]
        let base = FlowResult(flow: "numa-move-pages", params: params, backend: .kernel, bytesPerOp: 2 << 20,
                              pagesPerOp: 512, warmup: 2, samplesNs: ModesTests.movedMs.prefix(33).map { $0 * 1e6 })
        let cal = ["interrupts:CAL": CounterSummary(source: "interrupts", perRepetition: ModesTests.movedCAL)]
        let moved = FlowResult(flow: "numa-move-pages", params: params, backend: .kernel, bytesPerOp: 2 << 20,
                               pagesPerOp: 512, warmup: 2, samplesNs: ModesTests.movedMs.map { $0 * 1e6 },
                               counters: cal, counterMode: .paired)
        let c = try compare([F.record([base]), F.record([moved])])
        let r = try #require(c.results.first)
        #expect(r.modes.keys.sorted() == ["B"])
        #expect(r.modes["B"]?.separatingCounter == "interrupts:CAL")
        let text = TextExporter().render(c)
        #expect(text.contains("B modes  two modes: 33 around 36.63 ms"), "\(text)")
        #expect(text.contains("its mean mixes them"))
        #expect(F.overlong(text).isEmpty, "\(F.overlong(text))")
    }

    @Test func improvementAndNoChange() throws {
        let base = F.record([F.result(meanNs: 1_000_000), F.result("migrate-to-sys", meanNs: 500_000, spread: 0.05)])
        let new = F.record([F.result(meanNs: 800_000), F.result("migrate-to-sys", meanNs: 502_000, spread: 0.05)])
        let c = try compare([base, new])
        #expect(try cell(c, "migrate-to-dev", "time", run: 1).verdict == "better")
        #expect(try cell(c, "migrate-to-dev", "throughput", run: 1).verdict == "better")
        let same = try cell(c, "migrate-to-sys", "time", run: 1)
        #expect(!same.significant && same.verdict == "no change")
        let text = TextExporter().render(c)
        #expect(text.contains("(   0.40%)"))
        #expect(text.contains("*  -20.00%*") || text.contains("* -20.00%*"))
    }

    /// The 6.1 -> 6.12 shape from issue 9: a 4x slowdown at p < 0.0001
    /// that printed as "not significant" because one run's CV passed 10%.
    @Test func fourfoldSlowdownWithOneRunAtFifteenPercentCVIsCalled() throws {
        // Fixture offsets have sample sd 1/sqrt(2) over 16 samples, so
        // spread 0.15 * sqrt(2) gives a CV of 15%.
        let base = F.record([F.result(meanNs: 1_000_000, spread: 0.15 * 2.0.squareRoot())])
        let new = F.record([F.result(meanNs: 4_000_000, spread: 0.01)])
        let c = try compare([base, new], CompareOptions(failOnRegressionPct: 5))
        let r = try #require(c.results.first)
        let cvA = try #require(r.metrics[0].cells[0].cv)
        #expect(abs(cvA - 0.15) < 0.001, "CV \(cvA)")
        #expect(r.noisy)
        let test = try test(c, "migrate-to-dev")
        #expect(test.noisy && test.welch!.p < 0.0001 && test.mannWhitney!.p < 0.0001)
        #expect(test.changeInSD! > 1)
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(t.significant && t.verdict == "worse", "\(t.verdict)")
        #expect(abs(t.changePct! - 300) < 0.5)
        #expect(c.gate?.failed == true)
        let text = TextExporter().render(c)
        #expect(text.contains("NOISY"))
        #expect(text.contains("* 300.0") || text.contains("* 299.9"), "\(text)")
        #expect(F.overlong(text).isEmpty)
    }

    /// Noise still guards small changes: in a run with CV 15%, a 5% change
    /// that both tests detect (n = 400) is smaller than the spread and not
    /// called.
    @Test func changeSmallerThanTheSpreadOfANoisyRunIsNotCalled() throws {
        let base = F.record([F.result(meanNs: 1_000_000, spread: 0.15 * 2.0.squareRoot(), n: 400, counters: false)])
        let new = F.record([F.result(meanNs: 1_050_000, spread: 0.15 * 2.0.squareRoot(), n: 400, counters: false)])
        let c = try compare([base, new], CompareOptions(failOnRegressionPct: 1))
        let test = try test(c, "migrate-to-dev")
        #expect(test.noisy && test.q! <= 0.05, "q \(String(describing: test.q))")
        #expect(test.changeInSD! < 1)
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(!t.significant && t.verdict == "noisy")
        #expect(c.multipleTesting.discoveries == 1 && c.multipleTesting.called == 0)
        #expect(c.gate?.failed == false)
        let text = TextExporter().render(c)
        #expect(text.contains("(   5.00%)") || text.contains("(   4.99%)") || text.contains("(   5.01%)"), "\(text)")
    }

    @Test func gateFailsOnlyBeyondThreshold() throws {
        let base = F.record([F.result(meanNs: 1_000_000)])
        let new = F.record([F.result(meanNs: 1_060_000)])          // +6%
        let failing = try compare([base, new], CompareOptions(failOnRegressionPct: 5))
        #expect(failing.gate?.failed == true)
        #expect(failing.gate?.regressions.map(\.metric).sorted() == ["throughput", "time"])
        #expect(TextExporter().render(failing).contains("FAIL"))
        let passing = try compare([base, new], CompareOptions(failOnRegressionPct: 10))
        #expect(passing.gate?.failed == false)
        // Improvements never trip the gate.
        let faster = try compare([base, F.record([F.result(meanNs: 500_000)])], CompareOptions(failOnRegressionPct: 1))
        #expect(faster.gate?.failed == false)
        // No gate unless asked.
        #expect(try compare([base, new]).gate == nil)
    }

    @Test func tinySamplesAreUntestable() throws {
        let base = F.record([F.result(meanNs: 1_000_000, n: 1)])
        let new = F.record([F.result(meanNs: 2_000_000, n: 5)])
        let c = try compare([base, new], CompareOptions(failOnRegressionPct: 1))
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        let test = try test(c, "migrate-to-dev")
        #expect(t.verdict == "untestable" && test.p == nil && test.q == nil && test.welch == nil && !t.significant)
        #expect(c.gate?.failed == false)
        #expect(c.multipleTesting.tests == 0)
        // n = 1: spread, CI and p are n/a (nil), never 0.
        let baseCell = try #require(c.results.first?.metrics.first?.cells.first)
        #expect(baseCell.n == 1 && baseCell.stddev == nil && baseCell.cv == nil)
        #expect(t.changeCI95Low == nil && t.changeCI95High == nil)
        let text = TextExporter().render(c)
        #expect(text.contains("untestable: fewer than 2 samples (t, df, p n/a)"))
        let rowA = try #require(text.split(separator: "\n").first { $0.hasPrefix("  time/") })
        #expect(rowA.hasSuffix("n/a"), "\(rowA)")
        let json = try JSONExporter().render(c)
        #expect(!json.contains("\"stddev\" : 0,"))
    }

    @Test func identicalRunsAreNoChange() throws {
        let base = F.record([F.result(meanNs: 1_000_000, spread: 0)])
        let c = try compare([base, base])
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(try test(c, "migrate-to-dev").p == 1 && t.changePct == 0 && t.verdict == "no change")
    }

    @Test func unmatchedResultsAreListedPerFile() throws {
        let base = F.record([F.result(meanNs: 1e6), F.result("only-base", meanNs: 1e6)])
        let new = F.record([F.result(meanNs: 1e6), F.result("only-new", meanNs: 1e6)])
        let c = try compare([base, new])
        #expect(c.results.count == 1)
        #expect(c.unmatched.contains { $0.run == "A" && $0.key.hasPrefix("only-base") && $0.reason == "only in baseline" })
        #expect(c.unmatched.contains { $0.run == "B" && $0.key.hasPrefix("only-new") && $0.reason == "not in baseline" })
        let text = TextExporter().render(c)
        #expect(text.contains("Unmatched results"))
        #expect(text.contains("only-base") && text.contains("only-new"))
    }

    @Test func threeRunsAgainstTheFirst() throws {
        let a = F.record([F.result(meanNs: 1e6), F.result("numa-move-pages", meanNs: 2e6)])
        let b = F.record([F.result(meanNs: 1.2e6)], environment: F.environment(kernel: "6.13.0"))
        let c3 = F.record([F.result(meanNs: 0.9e6), F.result("numa-move-pages", meanNs: 2e6)],
                          environment: F.environment(kernel: "6.14.0-rc1"))
        let c = try compare([a, b, c3])
        #expect(c.runs.map(\.label) == ["A", "B", "C"])
        #expect(try cell(c, "migrate-to-dev", "time", run: 1).verdict == "worse")
        #expect(try cell(c, "migrate-to-dev", "time", run: 2).verdict == "better")
        let numa = try #require(c.results.first { $0.flow == "numa-move-pages" })
        #expect(numa.missingIn == ["B"])
        #expect(numa.metrics[0].cells.map(\.run) == ["A", "C"])
        let text = TextExporter().render(c)
        #expect(F.overlong(text).isEmpty)
        #expect(text.contains("missing in B"))
    }

    @Test func mixedBackendsRefusedUnlessAllowed() throws {
        let kernel = F.record([F.result(meanNs: 1e6)])
        let sim = F.record([F.result(meanNs: 1e6, backend: .simulated)], environment: F.environment(backend: .simulated))
        #expect(throws: HMMBenchError.self) { try compare([kernel, sim]) }
        do {
            _ = try compare([kernel, sim])
        } catch let e as HMMBenchError {
            #expect(e.exitCode == 2)
            #expect(e.message.contains("simulated") && e.hint?.contains("--allow-mixed") == true)
        }
        let c = try compare([kernel, sim], CompareOptions(allowMixed: true))
        #expect(c.mixedBackends)
        let text = TextExporter().render(c)
        #expect(text.contains("MIXED BACKENDS: simulated numbers are not kernel numbers"))
        #expect(text.contains("SIMULATED"))
        #expect(MarkdownExporter().render(c).contains("MIXED BACKENDS"))
        #expect(c.warnings.contains { $0.contains("MIXED BACKENDS") })
    }

    @Test func perResultBackendMixIsCaughtToo() throws {
        // Same run backend, but one run measured the NUMA flow simulated.
        let a = F.record([F.result("numa-move-pages", meanNs: 1e6)])
        let b = F.record([F.result("numa-move-pages", meanNs: 1e6, backend: .simulated)])
        #expect(throws: HMMBenchError.self) { try compare([a, b]) }
        #expect(try compare([a, b], CompareOptions(allowMixed: true)).mixedBackends)
    }

    @Test func environmentDifferencesAreWarnedOneEach() throws {
        let a = F.record([F.result(meanNs: 1e6)])
        let b = F.record([F.result(meanNs: 1e6)], environment: F.environment(
            virtualization: "tcg", cpu: "QEMU TCG CPU version 2.5+", thp: "never", governor: nil,
            uapi: "5.14", nodes: 1, version: "0.2.0"))
        let c = try compare([a, b])
        let joined = c.environmentDifferences.joined(separator: "\n")
        for aspect in ["CPU model", "THP", "governor", "uapi", "NUMA nodes", "hmmbench version", "virtualization"] {
            #expect(joined.contains(aspect), "missing \(aspect)")
        }
        #expect(c.environmentDifferences.count == 7)
        #expect(joined.contains("functional evidence, not hardware speed"))
        #expect(c.warnings.count >= 7 && c.warnings.allSatisfy { $0.hasPrefix("warning: ") })
        let text = TextExporter().render(c)
        #expect(text.contains("TCG"))
        #expect(F.overlong(text).isEmpty)
        // Same environment: nothing to warn about.
        #expect(try compare([a, a]).environmentDifferences.isEmpty)
    }

    @Test func kernelConfigDifferencesComeFirst() throws {
        var envA = F.environment()
        envA.kernel.config = ["CONFIG_SLUB_TINY": "n", "CONFIG_SLUB_CPU_PARTIAL": "y", "CONFIG_HZ": "250"]
        var envB = F.environment(cpu: "QEMU TCG CPU version 2.5+")
        // 6.1 has no SLUB_TINY at all: absent reads as n, so it agrees.
        envB.kernel.config = ["CONFIG_SLUB_CPU_PARTIAL": "n", "CONFIG_HZ": "1000"]
        let a = F.record([F.result(meanNs: 1e6)], environment: envA)
        let b = F.record([F.result(meanNs: 1e6)], environment: envB)
        let d = try compare([a, b]).environmentDifferences
        #expect(d.count == 3)
        #expect(d[0] == "kernel config CONFIG_HZ differs: A 250, B 1000")
        #expect(d[1] == "kernel config CONFIG_SLUB_CPU_PARTIAL differs: A y, B n")
        #expect(d[2].hasPrefix("CPU model differs"))
        #expect(TextExporter().render(try compare([a, b])).contains("CONFIG_SLUB_CPU_PARTIAL"))
        // A run without a recorded config is named, not compared.
        var envC = F.environment()
        envC.kernel.config = [:]
        let c = F.record([F.result(meanNs: 1e6)], environment: envC)
        let e = try compare([a, c]).environmentDifferences
        #expect(e == ["kernel config not recorded for B: its options cannot be compared"])
    }

    @Test func headerStatesBackendAndVirtualizationOfEveryRun() throws {
        let a = F.record([F.result(meanNs: 1e6)], environment: F.environment(virtualization: "bare-metal"))
        let b = F.record([F.result(meanNs: 1e6)], environment: F.environment(virtualization: "kvm"), complete: false)
        let c = try compare([a, b])
        for out in [TextExporter().render(c), MarkdownExporter().render(c)] {
            #expect(out.contains("bare-metal") && out.contains("kvm"))
            #expect(out.contains("kernel"))
            #expect(out.contains("INCOMPLETE") || out.contains("**no**"))
        }
        #expect(TextExporter().render(c).contains("INCOMPLETE: run B"))
    }

    @Test func badComparisonsAreDataErrors() throws {
        let a = F.record([F.result(meanNs: 1e6)])
        let other = F.record([F.result("other-flow", meanNs: 1e6)])
        for runs in [[a], [], [a, other]] {
            do {
                _ = try compare(runs)
                Issue.record("expected an error for \(runs.count) runs")
            } catch let e as HMMBenchError {
                #expect(e.kind == .data && e.exitCode == 2)
                #expect(!e.message.contains("\n"))
            }
        }
        #expect(throws: HMMBenchError.self) { try compare([a, a], CompareOptions(alpha: 1.5)) }
    }

    @Test func longParametersStillFit72Columns() throws {
        let extra = ["mapping": "file-backed-shared-with-a-very-long-name", "device": "0",
                     "policy": "interleave-across-all-nodes-and-then-some-more-words"]
        let a = F.record([F.result(extra: extra, meanNs: 123_456_789_012)],
                         environment: F.environment(kernel: "6.15.0-rc7-next-20250601-00042-gdeadbeefcafe-dirty-with-more"))
        let b = F.record([F.result(extra: extra, meanNs: 100)])
        let c = try compare([a, b], CompareOptions(failOnRegressionPct: 0))
        let text = TextExporter().render(c)
        #expect(F.overlong(text).isEmpty, "\(F.overlong(text))")
    }

    /// Float samples reach compare unrounded (see
    /// StatisticsTests.subNanosecondDifferencesSurvive for the SciPy calls):
    /// Welch p 9.08772016332229e-06 and U p 9.362897688711374e-05 on the
    /// floats, Welch p 0.000158 had they been rounded to integer ns.
    @Test func subNanosecondSamplesArriveThroughTheFile() throws {
        let off = F.offsets
        let a = (0..<16).map { 300.2 + 0.3 * off[$0 % 8] }
        let b = (0..<16).map { 300.6 + 0.3 * off[($0 + 3) % 8] }
        func close(_ x: Double, _ e: Double, rel: Double) { #expect(abs(x - e) <= rel * abs(e), "got \(x), expected \(e)") }

        let ra = FlowResult(flow: "snapshot", params: ["size": "4K"], backend: .kernel, bytesPerOp: 4096, pagesPerOp: 1,
                            warmup: 0, samplesNs: a)
        let rb = FlowResult(flow: "snapshot", params: ["size": "4K"], backend: .kernel, bytesPerOp: 4096, pagesPerOp: 1,
                            warmup: 0, samplesNs: b)
        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pa = ReportFixtures.write(ReportFixtures.record([ra]), "a.json", in: dir)
        let pb = ReportFixtures.write(ReportFixtures.record([rb]), "b.json", in: dir)
        let c = try Comparison.build(try RunReader.load([pa, pb]), options: CompareOptions())
        let t = try #require(c.results.first?.tests.first)
        close(t.welch!.p, 9.08772016332229e-06, rel: 1e-7)
        close(t.mannWhitney!.p, 9.362897688711374e-05, rel: 1e-10)
        #expect(t.verdict == "worse")
    }
}
