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

    /// `specs` resolved against the kernel's available_filter_functions
    /// excerpt (Fixtures/ftrace/KERNEL-available-excerpt.txt).
    static func resolve(_ specs: [PhaseSpec], on kernel: String) throws -> PhaseResolution {
        PhaseResolution.resolve(specs, available: KernelFunctionNames.available(try fixture(kernel + "-available-excerpt.txt")))
    }

    /// Every migrate-to-dev phase resolves against the module
    /// build-traceable makes (-fno-inline-functions-called-once
    /// -fno-inline-small-functions keep the driver's helpers out of line):
    /// module tags and clone suffixes (.isra.0) dropped. The excerpt is the
    /// guest's `grep -E '^(vmalloc|vfree|migrate_vma_|dmirror_|...)'
    /// available_filter_functions` (bench/vm/steps/phases-review.sh).
    @Test func migrateToDevicePhasesResolveOn61() throws {
        let r = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.1")
        #expect(r.phases.map(\.name) == ["migrate_vma_setup", "dmirror_migrate_alloc_and_copy", "migrate_vma_pages",
                                         "dmirror_migrate_finalize_and_map", "migrate_vma_finalize", "vmalloc",
                                         "dmirror_do_read", "vfree"])
        #expect(r.phases[3].functions == ["dmirror_migrate_finalize_and_map.isra.0"])
        #expect(r.missing.isEmpty)
        let numa = try Self.resolve(PhaseSpec.numaMove, on: "6.1")
        #expect(numa.phases.map(\.name) == ["move_pages", "lru_cache_disable", "migrate_pages"])
        #expect(numa.phases[0].functions == ["__x64_sys_move_pages"])
        #expect(numa.missing == ["migrate_pages_batch"])
    }

    /// trace_stat/function0 of a migrate-to-dev 64K run (4 ioctls) on 6.1:
    /// s^2 carries a unit, the module function no tag.
    @Test func functionProfileRowsOf61() throws {
        let r = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.1")
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
        let r = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.1")
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
        let r = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.1")
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

    /// 6.12's names (tracing kernel and module of build-traceable, its
    /// guest's grep of available_filter_functions): vmalloc is traced as
    /// vmalloc_noprof, the 6.3+ batch step exists, nothing is missing.
    @Test func phasesResolveOn612() throws {
        let m = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.12")
        #expect(m.missing.isEmpty)
        #expect(m.phases.first { $0.name == "vmalloc" }?.functions == ["vmalloc_noprof"])
        let numa = try Self.resolve(PhaseSpec.numaMove, on: "6.12")
        #expect(numa.phases.map(\.name) == ["move_pages", "lru_cache_disable", "migrate_pages", "migrate_pages_batch"])
        #expect(numa.missing.isEmpty)
    }

    /// trace_stat/function0 of 6.12 (the profiler runs beside
    /// function_graph there): names cut to 30 characters still find their
    /// phase; the move_pages rows of a batch-1 run carry migrate_pages_batch.
    @Test func functionProfileRowsOf612() throws {
        let m = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.12")
        let rows = try FunctionProfileParser.parse(try Self.fixture("6.12-migrate-to-dev-function0.txt"), cpu: 0, phases: m)
        let cut = try #require(rows.first { $0.function == "dmirror_migrate_finalize_and_m" })
        #expect(cut.phase == "dmirror_migrate_finalize_and_map")
        #expect(cut.hits == 48)
        #expect(rows.first { $0.function == "dmirror_migrate_alloc_and_copy" }?.totalNs.rounded() == 20_292_100)
        let numa = try Self.resolve(PhaseSpec.numaMove, on: "6.12")
        let nrows = try FunctionProfileParser.parse(try Self.fixture("6.12-numa-move-pages-function0.txt"), cpu: 0, phases: numa)
        #expect(nrows.map(\.phase) == ["move_pages", "lru_cache_disable", "migrate_pages", "migrate_pages_batch"])
        #expect(nrows.map(\.hits) == [16449, 16416, 16415, 16415])
    }

    /// function_graph of migrate-to-dev 2 MiB on 6.12 (an excerpt: the
    /// header, the warm-up and the first two repetitions): 8 calls of each
    /// migrate_vma_* step a repetition, the read-back after them. (This
    /// run's filter lacked vmalloc: the guest ran before vmalloc_noprof
    /// was a candidate.)
    @Test func graphOfMigrateToDevice612() throws {
        let r = try Self.resolve(PhaseSpec.migrateToDevice, on: "6.12")
        let g = GraphTraceParser.parse(try Self.fixture("6.12-migrate-to-dev.graph.txt"), phases: r)
        #expect(g.repetitions.map(\.index) == [0, 1])
        #expect(g.nesting.isEmpty && g.unclosed.isEmpty && !g.lostEvents)
        let rep = try #require(g.repetitions.first)
        #expect(rep.phases.count == 7)
        #expect(rep.phases["migrate_vma_setup"]?.calls == 8)
        #expect(rep.phases["migrate_vma_setup"]?.ns.rounded() == 2_533_263)
        #expect(rep.phases["dmirror_migrate_alloc_and_copy"]?.ns.rounded() == 3_573_820)
        #expect(rep.phases["dmirror_do_read"]?.ns.rounded() == 2_823_432)
        #expect(rep.outermostNs.rounded() == 12_877_679)
    }

    /// function_graph of numa-move-pages batch=1 32K on 6.1: nested calls
    /// (lru_cache_disable and migrate_pages inside the syscall), closing
    /// braces, 8 calls a repetition; the outermost time counts only the
    /// syscall.
    @Test func graphOfNumaMovePages61() throws {
        let r = try Self.resolve(PhaseSpec.numaMove, on: "6.1")
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
