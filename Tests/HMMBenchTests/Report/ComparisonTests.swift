import Foundation
import Testing
@testable import HMMBench

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

    @Test func significantRegressionIsMarkedAndTimeDirectionIsRight() throws {
        let base = F.record([F.result(meanNs: 1_000_000)])
        let new = F.record([F.result(meanNs: 1_100_000)])        // 10% slower
        let c = try compare([base, new])
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(t.significant && t.verdict == "worse")
        #expect(abs(t.changePct! - 10) < 0.01)
        #expect(t.p! < 1e-6)
        let g = try cell(c, "migrate-to-dev", "throughput", run: 1)
        #expect(g.significant && g.verdict == "worse" && g.changePct! < 0)
        let text = TextExporter().render(c)
        #expect(text.contains("*  10.00%*"))
        #expect(text.contains("time: lower is better"))
        #expect(text.contains("GiB/s: higher is better"))
        #expect(F.overlong(text).isEmpty)
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

    @Test func noisyResultIsNeverAChange() throws {
        let base = F.record([F.result(meanNs: 1_000_000, spread: 0.3)])
        let new = F.record([F.result(meanNs: 2_000_000, spread: 0.01)])
        let c = try compare([base, new], CompareOptions(failOnRegressionPct: 5))
        let r = try #require(c.results.first)
        #expect(r.noisy)
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(!t.significant && t.verdict == "noisy")
        #expect(c.gate?.failed == false)
        let text = TextExporter().render(c)
        #expect(text.contains("NOISY"))
        #expect(text.contains("( 100.00%)"))
        #expect(!text.contains("*"  + " 100.00%*"))
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
        #expect(t.verdict == "untestable" && t.p == nil && !t.significant)
        #expect(c.gate?.failed == false)
        #expect(TextExporter().render(c).contains("n/a"))
    }

    @Test func identicalRunsAreNoChange() throws {
        let base = F.record([F.result(meanNs: 1_000_000, spread: 0)])
        let c = try compare([base, base])
        let t = try cell(c, "migrate-to-dev", "time", run: 1)
        #expect(t.p == 1 && t.changePct == 0 && t.verdict == "no change")
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
}
