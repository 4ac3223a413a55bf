import Foundation
import Testing
@testable import HMMBench

/// The plan's memory is checked before anything is mapped: each flow's
/// declared need against MemAvailable (less a margin) and, on the real
/// module, coherent device memory against what test_hmm hands out.
struct MemoryBudgetTests {
    static let gib = 1 << 30

    func entry(_ flow: String, _ values: [String: String]) throws -> FlowParameters {
        try FlowCatalog.standard.parameters(flow: flow, values: values)
    }

    @Test func twentyGigabytesToThePrivateDeviceDoNotFitIn21GiB() throws {
        // 21.3 GiB available, as on the 24 GiB box the issue names.
        let budget = MemoryBudget(availableBytes: Int(21.3 * Double(Self.gib)))
        let e = try entry("migrate-to-dev", ["size": "20G"])
        do {
            try budget.check([e])
            Issue.record("20G to a private device needs 60 GiB and must be refused")
        } catch let error as HMMBenchError {
            #expect(error.kind == .usage)
            #expect(error.exitCode == 2)
            #expect(error.message.contains("migrate-to-dev"))
            #expect(error.message.contains("size=20G"))
            #expect(error.message.contains("needs about 60 GiB"))
            #expect(error.message.contains("MemAvailable is 21.3 GiB"))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func needsFollowWhatEachFlowHolds() throws {
        let size = 64 << 20
        let privateNeed = FlowCatalog.standard.flows.first { $0.name == "migrate-to-dev" }!.memoryNeed(try entry("migrate-to-dev", ["size": "64M"]))
        #expect(privateNeed.systemBytes == 3 * size)
        #expect(privateNeed.device == .private)
        let coherent = try FlowCatalog.standard.flow(named: "migrate-to-sys").memoryNeed(try entry("migrate-to-sys", ["size": "64M", "memory": "coherent"]))
        #expect(coherent.systemBytes == 2 * size && coherent.deviceBytes == size && coherent.device == .coherent)
        let fault = try FlowCatalog.standard.flow(named: "fault-read").memoryNeed(try entry("fault-read", ["size": "64M"]))
        #expect(fault.systemBytes == 2 * size && fault.device == nil)
        let move = try FlowCatalog.standard.flow(named: "numa-move-pages").memoryNeed(try entry("numa-move-pages", ["size": "64M"]))
        #expect(move.systemBytes == size + size / PageSize.base * 16)
        let mbind = try FlowCatalog.standard.flow(named: "numa-mbind").memoryNeed(try entry("numa-mbind", ["size": "64M"]))
        #expect(mbind.systemBytes == size)
    }

    @Test func theLargestOffenderIsNamedAndTheOthersCounted() throws {
        let budget = MemoryBudget(availableBytes: 4 * Self.gib, marginBytes: 0)
        let plan = [try entry("fault-read", ["size": "2500M"]), try entry("migrate-to-dev", ["size": "2G"]),
                    try entry("numa-mbind", ["size": "1G"])]
        #expect(throws: HMMBenchError.usage("migrate-to-dev mapping=anon memory=private size=2G needs about 6 GiB "
                                            + "(the range, the user buffer and the system pages backing device-private pages); "
                                            + "MemAvailable is 4 GiB (1 more entry of the plan does not fit either)",
                                            hint: "at most 4 GiB can be used (a 0 B margin is kept); use a smaller size")) {
            try budget.check(plan)
        }
    }

    @Test func theMarginIsKept() throws {
        let budget = MemoryBudget(availableBytes: 4 * Self.gib)
        #expect(budget.marginBytes == 4 * Self.gib / 20)
        // 2 x 2G = 4 GiB fits only without the margin.
        #expect(throws: HMMBenchError.self) { try budget.check([try entry("copy-bandwidth", ["size": "2G"])]) }
        #expect(throws: Never.self) { try budget.check([try entry("copy-bandwidth", ["size": "1G"])]) }
    }

    @Test func theQuickSuiteFitsASmallGuest() throws {
        let budget = MemoryBudget(availableBytes: 512 << 20, coherentDeviceBytes: MemoryBudget.coherentChunkBytes)
        #expect(throws: Never.self) { try budget.check(FlowTests.quickSuite.entries) }
    }

    @Test func coherentMemoryIsLimitedOnTheModuleOnly() throws {
        let e = try entry("migrate-to-dev", ["size": "512M", "memory": "coherent"])
        let module = MemoryBudget(availableBytes: 64 * Self.gib, coherentDeviceBytes: MemoryBudget.coherentChunkBytes)
        #expect(throws: HMMBenchError.usage("migrate-to-dev mapping=anon memory=coherent size=512M needs 512 MiB of device-coherent "
                                            + "memory; test_hmm hands out 256 MiB per coherent device",
                                            hint: "use size=256M or less with memory=coherent")) {
            try module.check([e])
        }
        #expect(throws: Never.self) { try module.check([try entry("migrate-to-dev", ["size": "512M", "memory": "private"])]) }
        #expect(throws: Never.self) { try MemoryBudget(availableBytes: 64 * Self.gib).check([e]) }
    }

    @Test func meminfoIsReadForTheBackend() throws {
        let meminfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   22334668 kB\n"
        let kernel = try #require(MemoryBudget.current(backend: .kernel, meminfo: meminfo))
        #expect(kernel.availableBytes == 22_334_668 * 1024)
        #expect(kernel.coherentDeviceBytes == 256 << 20)
        #expect(MemoryBudget.current(backend: .simulated, meminfo: meminfo)?.coherentDeviceBytes == nil)
        #expect(MemoryBudget.current(backend: .kernel, meminfo: "MemTotal: 1 kB\n") == nil)
    }

    /// What the budget cannot foresee: an allocation that fails during a
    /// flow is a failure with ENOMEM, not a crash or a skip.
    @Test func aBufferThatCannotBeHadIsASystemFailure() {
        do {
            _ = try HostBuffer.allocate(bytes: Int.max / 2)
            Issue.record("an impossible allocation must throw")
        } catch let e as HMMBenchError {
            #expect(e.kind == .system)
            #expect(e.errno == ENOMEM)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect((try? HostBuffer.allocate(bytes: 3 * PageSize.base))?.bytes == 3 * PageSize.base)
    }
}
