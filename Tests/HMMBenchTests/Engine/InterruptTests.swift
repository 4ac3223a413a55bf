import CShims
import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// Ctrl-C keeps what finished, and a run that measured nothing never
/// replaces an earlier file. The interrupt is simulated with the runner's
/// `isInterrupted` hook: a real SIGINT would reach every test running in
/// this process (the end-to-end tests send real ones to the binary).
struct InterruptTests {
    static func context() -> FlowContext {
        FlowContext(mirror: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), migrator: SimulatedMigrator(nodes: 2))
    }

    static func params(_ flow: String, _ values: [String: String]) throws -> FlowParameters {
        try FlowCatalog.standard.parameters(flow: flow, values: values)
    }

    /// A counter the hooks share (the closures cannot capture a `var`).
    final class Box: @unchecked Sendable {
        var done = 0
        var flow = -1
    }

    @Test func oneInterruptKeepsTheFinishedRepetitionsAsAPartialResult() throws {
        let box = Box()
        let p = try Self.params("fault-read", ["size": "64K"])
        let r = try Runner.run(FaultFlow(write: false), p, context: Self.context(),
                               options: RunOptions(warmup: 1, repetitions: 50, counters: .off),
                               isInterrupted: { box.done >= 3 }, onRepetition: { box.done = $0 })
        #expect(r.samplesNs.count == 3)
        #expect(r.stats.n == 3)
        #expect(r.notes.contains(Runner.interruptionNote(finished: 3, of: 50)))
        #expect(r.check.passed)
    }

    /// A flow that times its repetitions in its own loop (snapshot: a
    /// RepetitionLoop) is asked about the flag before each one too.
    @Test func aLoopedFlowStopsAtTheRepetitionTheInterruptCameBefore() throws {
        let box = Box()
        let p = try Self.params("snapshot", ["size": "64K"])
        // Asked once by the engine before the loop, then before each
        // repetition: the fifth question is the first "yes".
        let r = try Runner.run(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 50, counters: .off),
                               isInterrupted: { box.done += 1; return box.done > 4 })
        #expect(r.samplesNs.count == 3)
        #expect(r.notes.contains(Runner.interruptionNote(finished: 3, of: 50)))
        #expect(r.check.passed)
    }

    /// The engine hands a RepetitionLoop flow its repetitions a chunk at a
    /// time (progress after each chunk), and keeps all of them.
    @Test func aLoopedFlowRunsInChunks() throws {
        final class Calls: @unchecked Sendable { var seen: [Int] = [] }
        let calls = Calls()
        let p = try Self.params("snapshot", ["size": "64K"])
        let r = try Runner.run(SnapshotFlow(), p, context: Self.context(),
                               options: RunOptions(warmup: 1, repetitions: Runner.loopChunk + 44, counters: .separate),
                               isInterrupted: { false }, onRepetition: { calls.seen.append($0) })
        #expect(calls.seen == [Runner.loopChunk, Runner.loopChunk + 44])
        #expect(r.samplesNs.count == Runner.loopChunk + 44)
        #expect(r.samplesNs.allSatisfy { $0 > 0 })
        #expect(r.check.passed)
    }

    @Test func anInterruptBeforeTheFirstRepetitionGivesNoResult() throws {
        let p = try Self.params("snapshot", ["size": "64K"])
        #expect(throws: HMMBenchError(.interrupted, "interrupted")) {
            _ = try Runner.run(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 1, repetitions: 5, counters: .off),
                               isInterrupted: { true })
        }
    }

    @Test func aCompleteRunHasNoInterruptionNote() throws {
        let p = try Self.params("snapshot", ["size": "64K"])
        let r = try Runner.run(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 4, counters: .off),
                               isInterrupted: { false })
        #expect(r.samplesNs.count == 4)
        #expect(!r.notes.contains { $0.hasPrefix("interrupted") })
    }

    /// Records the repetitions of each flow, and says "interrupted" once
    /// the second flow has finished two.
    final class Recorder: ProgressSink, @unchecked Sendable {
        let box: Box
        init(_ box: Box) { self.box = box }
        func flowStarted(index: Int, of total: Int, label: String) {}
        func repetitionFinished(index: Int, of total: Int, label: String, done: Int, planned: Int) {
            box.flow = index
            box.done = done
        }
        func flowFinished(index: Int, of total: Int, label: String, result: FlowResult?, failed: String?, skipped: String?,
                          seconds: Double) {}
    }

    static func selection(uapi: UAPIGeneration? = nil) throws -> BackendSelection {
        try BackendSelector.select(BackendOptions(choice: .sim, uapi: uapi))
    }

    @Test func suiteRunnerKeepsThePartialFlowAndStopsBeforeTheNext() throws {
        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run.json"
        let box = Box()
        let runner = SuiteRunner(selection: try Self.selection(), options: RunOptions(warmup: 0, repetitions: 20),
                                 outputPath: out, progress: Recorder(box))
        runner.isInterrupted = { box.flow == 1 && box.done >= 2 }
        let entries = [try Self.params("snapshot", ["size": "64K"]), try Self.params("fault-read", ["size": "64K"]),
                       try Self.params("migrate-to-dev", ["size": "64K"])]
        let record = try runner.run(suite: "t", entries: entries)
        #expect(!record.complete)
        #expect(record.results.map(\.flow) == ["snapshot", "fault-read"])
        #expect(record.results.map(\.samplesNs.count) == [20, 2])
        #expect(record.results[1].notes.contains("interrupted after 2 of 20 repetitions"))
        #expect(record.incompleteReason?.contains("flow 2 of 3") == true)
        #expect(record.incompleteReason?.contains("partial result") == true)
        #expect(runner.wroteOutput)
        let loaded = try RunReader.load(out).record
        #expect(loaded.results.map(\.samplesNs.count) == [20, 2])
        #expect(loaded.complete == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["run.json"])
    }

    @Test func aRunThatMeasuredNothingLeavesAnEarlierFileAlone() throws {
        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run.json"
        try "earlier complete run\n".write(toFile: out, atomically: true, encoding: .utf8)
        // uapi 5.14 has no MIGRATE_TO_SYS: the only entry is a skip.
        let runner = SuiteRunner(selection: try Self.selection(uapi: .v5_14), options: RunOptions(warmup: 0, repetitions: 2),
                                 outputPath: out)
        let record = try runner.run(suite: nil, entries: [try Self.params("migrate-to-sys", ["size": "64K"])])
        #expect(record.results.isEmpty && record.failed.isEmpty && record.skipped.count == 1)
        #expect(!runner.wroteOutput)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "earlier complete run\n")

        // Interrupted before anything finished: the same.
        let stopped = SuiteRunner(selection: try Self.selection(), options: RunOptions(warmup: 0, repetitions: 2), outputPath: out)
        stopped.isInterrupted = { true }
        let r2 = try stopped.run(suite: nil, entries: [try Self.params("snapshot", ["size": "64K"])])
        #expect(!r2.complete && r2.results.isEmpty)
        #expect(!stopped.wroteOutput)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "earlier complete run\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["run.json"])
    }

    @Test func aRunThatMeasuredNothingStillWritesANewFile() throws {
        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/new.json"
        let runner = SuiteRunner(selection: try Self.selection(uapi: .v5_14), options: RunOptions(warmup: 0, repetitions: 2),
                                 outputPath: out)
        _ = try runner.run(suite: nil, entries: [try Self.params("migrate-to-sys", ["size": "64K"])])
        #expect(runner.wroteOutput)
        #expect(try RunReader.load(out).record.skipped.count == 1)
    }

    /// The handler is installed with SA_RESTART, so a slow call a signal
    /// interrupts (write, fsync, a driver ioctl) resumes instead of failing
    /// with EINTR and being recorded as a failed measurement.
    @Test func theInterruptHandlerRestartsSlowCalls() throws {
        #expect(hmmb_install_interrupt_handler() == 0)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            #expect(sigaction(sig, nil, &action) == 0)
            #expect(action.sa_flags & Int32(SA_RESTART) != 0, "signal \(sig) without SA_RESTART")
            #expect(sigismember(&action.sa_mask, SIGINT) == 1 && sigismember(&action.sa_mask, SIGTERM) == 1)
        }
    }
}
