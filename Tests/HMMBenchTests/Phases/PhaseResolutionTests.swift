import Testing
@testable import HMMBench

/// Phase names against available_filter_functions: clone suffixes and
/// module tags stripped, every clone kept, the missing ones named.
struct PhaseResolutionTests {
    @Test func baseNameDropsCloneSuffixesAndModuleTag() {
        #expect(KernelFunctionNames.base("migrate_vma_collect_pmd.isra.0") == "migrate_vma_collect_pmd")
        #expect(KernelFunctionNames.base("dmirror_do_read.constprop.0 [test_hmm]") == "dmirror_do_read")
        #expect(KernelFunctionNames.base("foo.part.0.cold") == "foo")
        #expect(KernelFunctionNames.base("migrate_vma_setup") == "migrate_vma_setup")
        #expect(KernelFunctionNames.base("odd.name") == "odd.name")
    }

    @Test func resolvesFirstCandidateKeepsClonesAndRecordsMissing() {
        let available = KernelFunctionNames.available("""
        __do_sys_move_pages
        lru_cache_disable
        migrate_pages
        dmirror_do_read.isra.0 [test_hmm]
        dmirror_do_read.constprop.0 [test_hmm]
        """)
        let specs = PhaseSpec.numaMove + [PhaseSpec("dmirror_do_read")]
        let r = PhaseResolution.resolve(specs, available: available)
        #expect(r.phases.map(\.name) == ["move_pages", "lru_cache_disable", "migrate_pages", "dmirror_do_read"])
        #expect(r.phases[0].functions == ["__do_sys_move_pages"])
        #expect(r.phases[3].functions == ["dmirror_do_read.isra.0", "dmirror_do_read.constprop.0"])
        #expect(r.missing == ["migrate_pages_batch"])
        #expect(r.phase(ofFunction: "dmirror_do_read.isra.0 [test_hmm]") == "dmirror_do_read")
        #expect(r.phase(ofFunction: "kernel_move_pages") == nil)
    }

    @Test func truncatedProfilerNamesMatchOnlyWhenUnambiguous() {
        let r = PhaseResolution.resolve(PhaseSpec.migrateToDevice,
                                        available: ["dmirror_migrate_finalize_and_map", "dmirror_migrate_alloc_and_copy"])
        // trace_stat cuts names to 30 characters.
        #expect(r.phase(ofTruncated: "dmirror_migrate_finalize_and_m") == "dmirror_migrate_finalize_and_map")
        #expect(r.phase(ofTruncated: "dmirror_migrate_") == nil)
    }
}
