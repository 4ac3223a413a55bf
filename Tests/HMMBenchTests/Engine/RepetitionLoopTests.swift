import Foundation
import Testing
@testable import HMMBench

/// How the engine drives a RepetitionLoop flow: the warm-up runs as the
/// start of the first loop call and is dropped, so that the first timed
/// call follows a warm-up call and not the engine's code. A flow made up
/// here logs its calls and times its n-th call as n.
struct RepetitionLoopTests {
    final class Log: @unchecked Sendable {
        var events: [String] = []
        var calls: UInt64 = 0
    }

    struct LoopedFlow: FlowDefinition {
        let log: Log
        let name = "looped"
        let summary = "a flow that times its repetitions in its own loop"
        let details = "nothing is timed"
        var parameters: [FlowParameter] { [] }

        final class Instance: FlowInstance, RepetitionLoop {
            let log: Log
            init(_ log: Log) { self.log = log }
            var bytesPerOp: Int { 4096 }
            var pagesPerOp: Int { 1 }
            var backend: BackendKind { .simulated }
            var deviceMemory: DeviceMemoryKind? { nil }
            func prepare() throws { log.events.append("prepare") }
            func measure() throws -> UInt64 {
                log.events.append("measure")
                log.calls += 1
                return log.calls
            }
            func measureLoop(into samples: UnsafeMutableBufferPointer<UInt64>, stop: () -> Bool) throws -> Int {
                log.events.append("loop \(samples.count)")
                for i in samples.indices {
                    log.calls += 1
                    samples[i] = log.calls
                }
                return samples.count
            }
            func check() throws -> FlowCheck { FlowCheck(passed: true, detail: "ok") }
        }

        func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance { Instance(log) }
    }

    static func run(warmup: Int, repetitions: Int, log: Log) throws -> FlowResult {
        let context = FlowContext(mirror: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), migrator: SimulatedMigrator(nodes: 2))
        return try Runner.run(LoopedFlow(log: log), FlowParameters(flow: "looped", values: [:]), context: context,
                              options: RunOptions(warmup: warmup, repetitions: repetitions, counters: .off),
                              isInterrupted: { false })
    }

    @Test func theWarmupIsTheStartOfTheFirstLoopAndIsDropped() throws {
        let log = Log()
        let r = try Self.run(warmup: 3, repetitions: 5, log: log)
        #expect(log.events == ["prepare", "loop 8"])
        #expect(r.samplesNs == (4...8).map(Double.init))
    }

    @Test func laterChunksHaveNoWarmup() throws {
        let log = Log()
        let r = try Self.run(warmup: 2, repetitions: Runner.loopChunk + 10, log: log)
        #expect(log.events == ["prepare", "loop \(Runner.loopChunk + 2)", "loop 10"])
        #expect(r.samplesNs.count == Runner.loopChunk + 10)
        #expect(r.samplesNs.first == 3)
        #expect(r.samplesNs.last == Double(Runner.loopChunk + 12))
    }

    @Test func withoutWarmupEveryCallIsKept() throws {
        let log = Log()
        let r = try Self.run(warmup: 0, repetitions: 4, log: log)
        #expect(log.events == ["prepare", "loop 4"])
        #expect(r.samplesNs == [1, 2, 3, 4])
    }
}
