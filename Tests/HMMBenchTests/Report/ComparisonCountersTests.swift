import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The worked example of the README: one reader thread, 32 MiB (8192
/// pages) moved at batch 512 (16 move_pages calls). 6.1 takes about one
/// TLB shootdown per page, 6.12 one per call. compare must show it.
enum TLBExample {
    typealias F = ReportFixtures

    static func result(tlb: Int64, meanNs: Double, extraCounter: Bool = false) -> FlowResult {
        var r = F.result("numa-move-pages", size: "32M",
                         extra: ["batch": "512", "mapping": "anon", "protection": "rw", "threads": "1"],
                         meanNs: meanNs, spread: 0.02, n: 16, counters: false)
        r.counters["interrupts:TLB"] = CounterSummary(source: "interrupts", perRepetition: Array(repeating: tlb, count: 16))
        r.counters["pgmigrate_success"] = CounterSummary(source: "vmstat", perRepetition: Array(repeating: 8192, count: 16))
        r.counters["pgmigrate_fail"] = CounterSummary(source: "vmstat", perRepetition: Array(repeating: 0, count: 16))
        r.counters["nr_free_pages"] = CounterSummary(source: "vmstat", perRepetition: Array(repeating: 0, count: 16))
        if extraCounter {
            r.counters["numa_hit"] = CounterSummary(source: "vmstat", perRepetition: (0..<16).map { Int64(100 + $0) })
        }
        return r
    }

    static func comparison(releaseB: String = "6.12.118", rounds: Int = 1) throws -> Comparison {
        let a = F.record([result(tlb: 7363, meanNs: 40_000_000)],
                         environment: F.environment(virtualization: "tcg", kernel: "6.1.192"))
        let b = F.record([result(tlb: 16, meanNs: 30_000_000, extraCounter: true)],
                         environment: F.environment(virtualization: "tcg", kernel: releaseB))
        return try Comparison.build([F.loaded(a, "a.json"), F.loaded(b, "b.json")], options: CompareOptions())
    }
}

@Suite("Compared counters")
struct ComparisonCountersTests {
    @Test func perRepetitionDeltasOfBothRunsWithChange() throws {
        let c = try TLBExample.comparison()
        let r = try #require(c.results.first)
        let tlb = try #require(r.counters.first { $0.name == "interrupts:TLB" })
        #expect(tlb.label == "TLB shootdowns")
        #expect(tlb.cells.map(\.run) == ["A", "B"])
        #expect(tlb.cells.map(\.mean) == [7363, 16])
        #expect(tlb.cells[0].changePct == nil)
        #expect(abs(tlb.cells[1].changePct! - (16.0 - 7363) / 7363 * 100) < 1e-9)
        // Reviewers' counters first, in their order; then what moved, by
        // name; a counter that stayed 0 everywhere is not shown.
        #expect(r.counters.map(\.name) == ["pgmigrate_success", "pgmigrate_fail", "interrupts:TLB", "numa_hit"])
        let hit = try #require(r.counters.first { $0.name == "numa_hit" })
        #expect(hit.cells.map(\.run) == ["B"])    // A did not record it
        #expect(hit.cells[0].min == 100 && hit.cells[0].max == 115)
    }

    @Test func textShowsTheTable() throws {
        let text = TextExporter().render(try TLBExample.comparison())
        let lines = text.split(separator: "\n").map(String.init)
        let i = try #require(lines.firstIndex { $0.hasPrefix("  TLB shootdowns") })
        #expect(lines[i].split(separator: " ") == ["TLB", "shootdowns", "A", "7,363", "7,363", "7,363"])
        #expect(lines[i + 1].split(separator: " ") == ["B", "16", "16", "16", "-99.78%"])
        #expect(lines.contains { $0.split(separator: " ") == ["pgmigrate_success", "A", "8,192", "8,192", "8,192"] })
        #expect(lines.contains { $0.hasPrefix("  counter/rep") })
        #expect(ReportFixtures.overlong(text).isEmpty)
    }

    @Test func groupedNumbers() {
        #expect(CounterTable.grouped(7363) == "7,363")
        #expect(CounterTable.grouped(1_234_567.25) == "1,234,567.2" || CounterTable.grouped(1_234_567.25) == "1,234,567.3")
        #expect(CounterTable.grouped(16) == "16")
        #expect(CounterTable.grouped(0.4) == "0.4")
        #expect(CounterTable.grouped(-2500) == "-2,500")
        #expect(CounterTable.grouped(999) == "999")
    }
}
