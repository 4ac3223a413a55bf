import Foundation
import Testing
@testable import HMMBench

/// The phase parsers against output recorded in the 6.1 guest
/// (Fixtures/ftrace: trace_stat and an excerpt of
/// available_filter_functions of the tracing kernel bench/vm/build-traceable
/// makes, with the traceable test_hmm.ko loaded).
struct FtraceFixtureTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ftrace/" + name)
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Every migrate-to-dev phase resolves against the module
    /// build-traceable makes (-fno-inline-functions-called-once
    /// -fno-inline-small-functions keep the driver's helpers out of line):
    /// module tags and clone suffixes (.isra.0) dropped. The excerpt is the
    /// guest's `grep -E '^(vmalloc|vfree|migrate_vma_|dmirror_|...)'
    /// available_filter_functions` (bench/vm/steps/phases-review.sh).
    @Test func migrateToDevicePhasesResolveOn61() throws {
        let available = KernelFunctionNames.available(try Self.fixture("6.1-available-excerpt.txt"))
        let r = PhaseResolution.resolve(PhaseSpec.migrateToDevice, available: available)
        #expect(r.phases.map(\.name) == ["migrate_vma_setup", "dmirror_migrate_alloc_and_copy", "migrate_vma_pages",
                                         "dmirror_migrate_finalize_and_map", "migrate_vma_finalize", "vmalloc",
                                         "dmirror_do_read", "vfree"])
        #expect(r.phases[3].functions == ["dmirror_migrate_finalize_and_map.isra.0"])
        #expect(r.missing.isEmpty)
        let numa = PhaseResolution.resolve(PhaseSpec.numaMove, available: available)
        #expect(numa.phases.map(\.name) == ["move_pages", "lru_cache_disable", "migrate_pages"])
        #expect(numa.phases[0].functions == ["__x64_sys_move_pages"])
        #expect(numa.missing == ["migrate_pages_batch"])
    }

    /// trace_stat/function0 of a migrate-to-dev 64K run (4 ioctls) on 6.1:
    /// s^2 carries a unit, the module function no tag.
    @Test func functionProfileRowsOf61() throws {
        let available = KernelFunctionNames.available(try Self.fixture("6.1-available-excerpt.txt"))
        let r = PhaseResolution.resolve(PhaseSpec.migrateToDevice, available: available)
        let rows = try FunctionProfileParser.parse(try Self.fixture("6.1-migrate-to-dev-function0.txt"), cpu: 0, phases: r)
        #expect(rows.map(\.function) == ["migrate_vma_setup", "migrate_vma_finalize", "dmirror_do_read", "migrate_vma_pages"])
        #expect(rows.map(\.hits) == [4, 4, 4, 4])
        #expect(rows.map(\.phase) == ["migrate_vma_setup", "migrate_vma_finalize", "dmirror_do_read", "migrate_vma_pages"])
        #expect(rows[0].totalNs.rounded() == 2_580_332)
        #expect(rows[0].avgNs.rounded() == 645_083)
        #expect(rows[0].s2Us2 == 476_463.1)
        #expect(rows[2].totalNs.rounded() == 666_901)
    }

    /// function_graph of migrate-to-dev 64K on 6.1 (one warmup, two
    /// bracketed repetitions): leaf lines with a module tag, calls before
    /// the first marker ignored.
    @Test func graphOfMigrateToDevice61() throws {
        let available = KernelFunctionNames.available(try Self.fixture("6.1-available-excerpt.txt"))
        let r = PhaseResolution.resolve(PhaseSpec.migrateToDevice, available: available)
        let g = GraphTraceParser.parse(try Self.fixture("6.1-migrate-to-dev.graph.txt"), phases: r)
        #expect(g.repetitions.map(\.index) == [0, 1])
        #expect(!g.lostEvents && g.unclosed.isEmpty)
        let rep = try #require(g.repetitions.first)
        #expect(rep.cpu == 0)
        #expect(rep.phases["migrate_vma_setup"] == PhaseTime(ns: 287_408, calls: 1))
        #expect(rep.phases["migrate_vma_pages"]?.ns.rounded() == 35_456)
        #expect(rep.phases["migrate_vma_finalize"]?.ns.rounded() == 148_047)
        #expect(rep.phases["dmirror_do_read"] == PhaseTime(ns: 120_976, calls: 1))
        #expect(rep.outermostNs.rounded() == 591_887)
    }

    /// function_graph of migrate-to-dev 64K on 6.1 with that module: the
    /// driver's copy and mapping and the read-back's vmalloc and vfree are
    /// phases of their own, and the seven outermost calls add up.
    @Test func graphOfMigrateToDeviceTraceable61() throws {
        let available = KernelFunctionNames.available(try Self.fixture("6.1-available-excerpt.txt"))
        let r = PhaseResolution.resolve(PhaseSpec.migrateToDevice, available: available)
        let g = GraphTraceParser.parse(try Self.fixture("6.1-migrate-to-dev-traceable.graph.txt"), phases: r)
        #expect(g.repetitions.map(\.index) == [0, 1])
        let rep = try #require(g.repetitions.first)
        #expect(rep.phases.count == 8)
        #expect(g.nesting.isEmpty)
        #expect(rep.phases["migrate_vma_setup"]?.ns.rounded() == 1_199_156)
        #expect(rep.phases["dmirror_migrate_alloc_and_copy"]?.ns.rounded() == 305_868)
        #expect(rep.phases["dmirror_migrate_alloc_and_copy"]?.calls == 1)
        #expect(rep.phases["dmirror_migrate_finalize_and_map"]?.ns.rounded() == 140_469)
        #expect(rep.phases["vmalloc"]?.ns.rounded() == 128_040)
        #expect(rep.phases["vfree"]?.ns.rounded() == 140_108)
        #expect(rep.outermostNs.rounded() == 2_355_674)
    }

    /// function_graph of numa-move-pages batch=1 32K on 6.1: nested calls
    /// (lru_cache_disable and migrate_pages inside the syscall), closing
    /// braces, 8 calls a repetition; the outermost time counts only the
    /// syscall.
    @Test func graphOfNumaMovePages61() throws {
        let available = KernelFunctionNames.available(try Self.fixture("6.1-available-excerpt.txt"))
        let r = PhaseResolution.resolve(PhaseSpec.numaMove, available: available)
        let g = GraphTraceParser.parse(try Self.fixture("6.1-numa-move-pages.graph.txt"), phases: r)
        #expect(g.repetitions.map(\.index) == [0, 1])
        let rep = try #require(g.repetitions.first)
        #expect(rep.phases["move_pages"]?.calls == 8)
        #expect(rep.phases["lru_cache_disable"]?.calls == 8)
        #expect(rep.phases["migrate_pages"]?.calls == 8)
        #expect(rep.phases["lru_cache_disable"]?.ns.rounded() == 745_614)
        #expect(rep.phases["move_pages"]?.ns.rounded() == 4_555_133)
        #expect(rep.outermostNs.rounded() == 4_555_133)
        #expect(g.nesting == ["lru_cache_disable": "move_pages", "migrate_pages": "move_pages"])
    }
}
