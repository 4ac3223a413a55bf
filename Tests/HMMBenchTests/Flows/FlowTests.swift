import Foundation
import Testing
@testable import HMMBench

/// Every flow on the simulated backend: it runs, its check passes, and
/// its record carries the parameters, samples and counters it should.
struct FlowTests {
    static func context(uapi: UAPIGeneration = .v6_1, coherent: Bool = true) -> FlowContext {
        FlowContext(mirror: SimulatedBackend(uapi: uapi.table, coherentDevices: coherent), migrator: SimulatedMigrator(nodes: 2))
    }

    static let quickSuite: Suite = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench/suites/quick.suite")
        return try! Suite.parse(name: "quick", text: String(contentsOf: url, encoding: .utf8))
    }()

    @Test func quickSuiteCoversEveryFlow() {
        let flows = Set(Self.quickSuite.entries.map(\.flow))
        #expect(flows == Set(FlowCatalog.standard.flows.map(\.name)))
    }

    @Test(arguments: quickSuite.entries.indices)
    func quickEntryRunsAndChecksOnTheSimulator(index: Int) throws {
        let params = Self.quickSuite.entries[index]
        let ctx = Self.context()
        let r = try Runner.run(try FlowCatalog.standard.flow(named: params.flow), params, context: ctx,
                               options: RunOptions(warmup: 1, repetitions: 3, counters: .off))
        #expect(r.check.passed, "\(SuiteRunner.label(params)): \(r.check.detail)")
        #expect(r.samplesNs.count == 3)
        #expect(r.samplesNs.allSatisfy { $0 > 0 })
        #expect(r.params == params.values)
        #expect(r.backend == .simulated)
        #expect(r.bytesPerOp > 0 && r.pagesPerOp == r.bytesPerOp / PageSize.base)
        if params.values["memory"] != nil { #expect(r.deviceMemory?.rawValue == params.values["memory"]) }
        #expect(r.stats.n == 3)
    }

    @Test func everyMappingKindFaults() throws {
        for kind in [MappingKind.anon, .shared, .file, .thp] {
            for write in [false, true] {
                let p = try FlowCatalog.standard.parameters(flow: write ? "fault-write" : "fault-read",
                                                            values: ["mapping": kind.rawValue, "size": "2M", "populate": "no"])
                let r = try Runner.run(FaultFlow(write: write), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 2, counters: .off))
                #expect(r.check.passed, "\(kind) write=\(write): \(r.check.detail)")
            }
        }
    }

    @Test func snapshotChecksTheBytes() throws {
        for populate in ["write", "read", "no"] {
            let p = try FlowCatalog.standard.parameters(flow: "snapshot", values: ["populate": populate, "size": "64K"])
            let r = try Runner.run(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 2, counters: .off))
            #expect(r.check.passed, "\(populate): \(r.check.detail)")
        }
        #expect(SnapshotFlow.expected(.anon, .read) == 0x11)
        #expect(SnapshotFlow.expected(.thp, .write) == 0x06)
    }

    @Test func coherentFlowsSkipWithoutCoherentDevices() throws {
        let p = try FlowCatalog.standard.parameters(flow: "migrate-to-dev", values: ["memory": "coherent"])
        #expect(throws: FlowSkip.self) {
            _ = try Runner.run(MigrateToDeviceFlow(), p, context: Self.context(coherent: false), options: RunOptions())
        }
    }

    @Test func olderUapiSkipsWithTheReason() throws {
        let p = try FlowCatalog.standard.parameters(flow: "exclusive", values: [:])
        do {
            _ = try Runner.run(ExclusiveFlow(), p, context: Self.context(uapi: .v5_8), options: RunOptions())
            Issue.record("5.8 has no EXCLUSIVE")
        } catch let s as FlowSkip {
            #expect(s.reason == "uapi 5.8-5.13 has no HMM_DMIRROR_EXCLUSIVE")
        }
        // Before 6.0 the round trip comes back by CPU faults, and says so.
        let rt = try FlowCatalog.standard.parameters(flow: "migrate-roundtrip", values: ["size": "64K"])
        let r = try Runner.run(MigrateRoundtripFlow(), rt, context: Self.context(uapi: .v5_14), options: RunOptions(warmup: 0, repetitions: 2, counters: .off))
        #expect(r.check.passed, "\(r.check.detail)")
        #expect(r.notes.contains { $0.contains("CPU write fault per page") })
    }

    @Test func faultMigratePairGetsItsRatio() throws {
        let ctx = Self.context()
        var results: [FlowResult] = []
        for name in ["fault-then-migrate", "migrate-then-fault"] {
            let p = try FlowCatalog.standard.parameters(flow: name, values: ["size": "256K", "present": "25"])
            results.append(try Runner.run(try FlowCatalog.standard.flow(named: name), p, context: ctx,
                                          options: RunOptions(warmup: 0, repetitions: 3, counters: .off)))
        }
        FaultMigrateOrderFlow.addRatios(&results)
        let a = try #require(results[0].derived["ratio_to_migrate_then_fault"])
        let b = try #require(results[1].derived["ratio_to_fault_then_migrate"])
        #expect(abs(a * b - 1) < 1e-9)
        #expect(abs(a - results[0].stats.mean / results[1].stats.mean) < 1e-12)
    }

    @Test func numaFlowsRejectBadNodes() throws {
        let p = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["from": "1", "to": "1"])
        #expect(throws: HMMBenchError.self) { _ = try Runner.run(NUMAMovePagesFlow(), p, context: Self.context(), options: RunOptions()) }
        let q = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["to": "5"])
        #expect(throws: HMMBenchError.self) { _ = try Runner.run(NUMAMovePagesFlow(), q, context: Self.context(), options: RunOptions()) }
    }

    @Test func readerThreadsRunAndStop() throws {
        let p = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["threads": "2", "size": "256K", "protection": "ro"])
        let r = try Runner.run(NUMAMovePagesFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 3, counters: .off))
        #expect(r.check.passed)
        #expect(r.notes.contains { $0.contains("2 reader thread(s)") })
    }

    @Test func suiteSyntaxErrorsNameTheLine() throws {
        #expect(throws: HMMBenchError.self) { try Suite.parse(name: "t", text: "fault-read size") }
        let e = try #require(#expect(throws: HMMBenchError.self) {
            try Suite.parse(name: "t", text: "# x\nfault-read size=2M\nbogus-flow a=b\n")
        })
        #expect(e.message.hasPrefix("suite t line 3: unknown flow 'bogus-flow'"), "\(e.message)")
        #expect(throws: HMMBenchError.self) { try Suite.parse(name: "t", text: "# only a comment\n") }
    }

    @Test func suiteExpansionIsTheCartesianProduct() throws {
        let s = try Suite.parse(name: "t", text: "defaults warmup=3 repetitions=7\nfault-read size=64K,2M populate=yes,no\n")
        #expect(s.entries.count == 4)
        #expect(s.warmup == 3 && s.repetitions == 7)
        #expect(Set(s.entries.map { $0.values["size"]! + $0.values["populate"]! }) == ["64Kyes", "64Kno", "2Myes", "2Mno"])
        #expect(s.entries.allSatisfy { $0.values["memory"] == "private" && $0.values["mapping"] == "anon" })
    }

    @Test func everySuiteFileParses() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench/suites").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".suite") }
        #expect(files.count >= 6)
        for f in files { _ = try Suite.load("\(dir)/\(f)") }
    }

}
