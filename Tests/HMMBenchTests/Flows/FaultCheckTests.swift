import Testing
@testable import HMMBench

/// The fault flows' check must fail when the device sees ERROR pages.
struct FaultCheckTests {
    @Test func errorPagesFailTheFaultReadCheck() throws {
        let ctx = FlowContext(mirror: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), migrator: SimulatedMigrator())
        let p = try FlowCatalog.standard.parameters(flow: "fault-read", values: ["size": "64K"])
        let instance = try FaultFlow(write: false).instantiate(p, context: ctx)
        try instance.prepare()
        _ = try instance.measure()
        #expect(try instance.check().passed)
        // PROT_NONE: the device's snapshot is all ERROR (0xFF) bytes.
        let region = try #require((instance as? FaultFlow.Instance)?.region)
        try ctx.mirror.protect(region, .none)
        let check = try instance.check()
        #expect(!check.passed, "\(check.detail)")
        #expect(check.detail.contains("ERROR"))
    }
}

/// Reader threads go to real CPUs other than the measuring one.
struct ReaderCPUTests {
    @Test func readerCPUsExcludeTheMeasuringCPUAndComeFromTheStartSet() {
        let all = CPUSet.atStart
        #expect(!all.isEmpty)
        for me in all {
            let r = TouchingThreads.readerCPUs(avoiding: me)
            #expect(!r.contains(me))
            #expect(Set(r).isSubset(of: Set(all)))
            #expect(r.count == all.count - 1)
        }
    }
}
