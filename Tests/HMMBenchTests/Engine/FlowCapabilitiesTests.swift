import Foundation
import Testing
@testable import HMMBench

/// The engine asks a flow what it provides (a ceiling, a warm-up, derived
/// numbers) and never names one: flows made up here, unknown to the
/// engine, get the same treatment as copy-bandwidth and the fault/migrate
/// pair. This is the "add a flow" recipe of docs/ARCHITECTURE.md followed
/// with a flow that declares every capability.
struct FlowCapabilitiesTests {
    /// A flow whose every repetition copies `size` bytes with memcpy (a
    /// real measurement, like copy-bandwidth) and declares what it provides.
    struct MadeUpFlow: FlowDefinition {
        var name: String
        var ceiling = false
        var device = true
        var warmupNeeded = 0
        var deriveKey: String?
        let summary = "a flow the engine has never heard of"
        let details = "memcpy of size bytes"
        var parameters: [FlowParameter] { [FlowParameter("size", "64K", "bytes copied")] }
        var providesCeiling: Bool { ceiling }
        var opensDevice: Bool { device }
        var minimumWarmup: Int { warmupNeeded }

        func derive(_ results: inout [FlowResult]) {
            guard let deriveKey else { return }
            let others = Double(results.filter { $0.flow != name }.count)
            for i in results.indices where results[i].flow == name { results[i].derived[deriveKey] = others }
        }

        func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
            try CopyBandwidthFlow().instantiate(params, context: context)
        }
    }

    static func run(_ catalog: FlowCatalog, _ entries: [String], warmup: Int = 0) throws -> RunRecord {
        let selection = try BackendSelector.select(BackendOptions(choice: .sim))
        let runner = SuiteRunner(selection: selection, options: RunOptions(warmup: warmup, repetitions: 3), catalog: catalog,
                                 outputPath: nil)
        return try runner.run(suite: nil, entries: try entries.map { try catalog.parameters(flow: $0, values: [:]) })
    }

    @Test func theFlowThatProvidesTheCeilingRunsFirstAndDividesTheOthers() throws {
        let catalog = FlowCatalog(flows: [MadeUpFlow(name: "plain"), MadeUpFlow(name: "roof", ceiling: true)])
        let record = try Self.run(catalog, ["plain", "roof"])
        #expect(record.results.map(\.flow) == ["roof", "plain"])
        let roof = record.results[0], plain = record.results[1]
        #expect(roof.copyBandwidthRatio == nil)
        let ratio = try #require(plain.copyBandwidthRatio)
        #expect(abs(ratio - plain.throughput.gibPerS.median / roof.throughput.gibPerS.median) <= 1e-12 * ratio)
    }

    @Test func withoutACeilingNoResultHasARatioAndTheOrderStays() throws {
        let catalog = FlowCatalog(flows: [MadeUpFlow(name: "a"), MadeUpFlow(name: "b")])
        let record = try Self.run(catalog, ["b", "a"])
        #expect(record.results.map(\.flow) == ["b", "a"])
        #expect(record.results.allSatisfy { $0.copyBandwidthRatio == nil })
    }

    /// Flows that open no device run before those that do (each group in
    /// its order, the ceiling first of all): once a device was opened the
    /// process's mm keeps mmu-notifier subscriptions until it exits.
    @Test func flowsThatOpenNoDeviceRunFirst() throws {
        let catalog = FlowCatalog(flows: [MadeUpFlow(name: "dev1"), MadeUpFlow(name: "numa1", device: false),
                                          MadeUpFlow(name: "dev2"), MadeUpFlow(name: "numa2", device: false),
                                          MadeUpFlow(name: "roof", ceiling: true)])
        let record = try Self.run(catalog, ["dev1", "numa1", "dev2", "roof", "numa2"])
        #expect(record.results.map(\.flow) == ["roof", "numa1", "numa2", "dev1", "dev2"])
        // The catalog's own: the NUMA flows and copy-bandwidth open none.
        for flow in FlowCatalog.standard.flows {
            #expect(flow.opensDevice == !(flow.name.hasPrefix("numa-") || flow.name == "copy-bandwidth"), "\(flow.name)")
        }
    }

    @Test func aFlowGetsTheWarmupItNeedsAndNoLess() throws {
        let catalog = FlowCatalog(flows: [MadeUpFlow(name: "cold"), MadeUpFlow(name: "needs-three", warmupNeeded: 3)])
        let record = try Self.run(catalog, ["cold", "needs-three"], warmup: 1)
        #expect(record.results.map(\.warmup) == [1, 3])
        let more = try Self.run(catalog, ["needs-three"], warmup: 5)
        #expect(more.results.map(\.warmup) == [5])
    }

    @Test func derivedNumbersAreComputedOverTheFinishedRun() throws {
        let catalog = FlowCatalog(flows: [MadeUpFlow(name: "counter", deriveKey: "others_in_run"),
                                          MadeUpFlow(name: "x"), MadeUpFlow(name: "y")])
        let record = try Self.run(catalog, ["counter", "x", "y"])
        let counter = try #require(record.results.first { $0.flow == "counter" })
        // Derived again after x and y finished, not only after itself.
        #expect(counter.derived["others_in_run"] == 2)
        #expect(record.results.filter { $0.flow != "counter" }.allSatisfy { $0.derived.isEmpty })
    }

    /// Counts its derive calls (a class: the flow itself is a value).
    final class Calls: @unchecked Sendable { var n = 0 }

    /// A made-up flow that counts how often the engine asks it to derive.
    struct CountingFlow: FlowDefinition {
        let calls: Calls
        let name = "counting"
        let summary = "counts its derive calls"
        let details = "memcpy of size bytes"
        var parameters: [FlowParameter] { [FlowParameter("size", "4K", "bytes copied")] }
        func derive(_ results: inout [FlowResult]) { calls.n += 1 }
        func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
            try CopyBandwidthFlow().instantiate(params, context: context)
        }
    }

    /// Deriving after every flow made a run quadratic in its flows: it
    /// happens before each write of the file and once at the end.
    @Test func derivingIsNotRepeatedAfterEveryFlow() throws {
        let calls = Calls()
        let record = try Self.run(FlowCatalog(flows: [CountingFlow(calls: calls)]), Array(repeating: "counting", count: 12))
        #expect(record.results.count == 12)
        // No --out: nothing is written, so only the final derive.
        #expect(calls.n == 1)
    }

    @Test func theStandardFlowsDeclareWhatTheEngineUsedToKnowByName() throws {
        let ceilings = FlowCatalog.standard.flows.filter(\.providesCeiling).map(\.name)
        #expect(ceilings == ["copy-bandwidth"])
        #expect(try FlowCatalog.standard.flow(named: "copy-bandwidth").minimumWarmup == 1)
    }

    @Test func aSuiteGivesTheFaultMigratePairItsRatios() throws {
        let selection = try BackendSelector.select(BackendOptions(choice: .sim))
        let runner = SuiteRunner(selection: selection, options: RunOptions(warmup: 0, repetitions: 3), outputPath: nil)
        let values = ["size": "256K", "present": "25"]
        let record = try runner.run(suite: nil, entries: [FlowParameters(flow: "fault-then-migrate", values: values),
                                                          FlowParameters(flow: "migrate-then-fault", values: values)].map {
            try FlowCatalog.standard.parameters(flow: $0.flow, values: $0.values)
        })
        let a = try #require(record.results.first { $0.flow == "fault-then-migrate" }?.derived["ratio_to_migrate_then_fault"])
        let b = try #require(record.results.first { $0.flow == "migrate-then-fault" }?.derived["ratio_to_fault_then_migrate"])
        #expect(abs(a * b - 1) < 1e-9)
    }
}
