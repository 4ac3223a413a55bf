import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The engine side of run --phases without a kernel: the Runner calls the
/// tracer around each measured repetition, and the phase runner drives
/// tracefs control files (here plain files in a temporary directory) once
/// per run and turns every obstacle into a skip of the phases.
struct PhaseRunnerTests {
    static func context() -> FlowContext {
        FlowContext(mirror: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), migrator: SimulatedMigrator(nodes: 2))
    }

    final class Recorder: PhaseTracer {
        var events: [String] = []
        func repetitionWillStart(_ index: Int) { events.append("begin \(index)") }
        func repetitionDidEnd(_ index: Int) { events.append("end \(index)") }
    }

    @Test func runnerBracketsEveryMeasuredRepetitionAndNoWarmup() throws {
        let p = try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "64K"])
        let rec = Recorder()
        _ = try Runner.run(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 2, repetitions: 3, counters: .off),
                           tracer: rec, isInterrupted: { false })
        #expect(rec.events == ["begin 0", "end 0", "begin 1", "end 1", "begin 2", "end 2"])
    }

    /// A directory that looks like tracefs to `Tracefs`.
    static func fakeTracefs(available: String) throws -> String {
        let dir = TestFiles.temporaryDirectory("hmmbench-tracefs")
        let files = ["trace_marker": "", "available_filter_functions": available,
                     "available_tracers": "function_graph function nop\n", "set_ftrace_filter": "", "current_tracer": "nop\n",
                     "tracing_on": "0\n", "trace": "", "buffer_size_kb": "1408\n", "trace_options": ""]
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8) }
        return dir
    }

    static func headline(_ flow: String, backend: BackendKind) -> FlowResult {
        FlowResult(flow: flow, params: [:], backend: backend, bytesPerOp: 65536, pagesPerOp: 16, warmup: 0,
                   samplesNs: [1000, 1000, 1000])
    }

    @Test func drivesTracefsOnceAndBracketsEachRepetition() throws {
        let dir = try Self.fakeTracefs(available: "dmirror_range_snapshot [test_hmm]\nhmm_range_fault\n")
        let (t, reason) = Tracefs.locate(mountPoints: [dir])
        #expect(reason == nil)
        let runner = PhaseRunner(tracefs: t, unavailable: reason)
        let p = try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "64K"])
        let record = runner.measure(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 1, repetitions: 2),
                                    headline: Self.headline("snapshot", backend: .kernel), isInterrupted: { false })
        #expect(record.skipped == nil)
        #expect(record.phases.map(\.name) == ["dmirror_range_snapshot", "hmm_range_fault"])
        #expect(record.repetitions.count == 2)
        // The fake trace holds no bracket: nothing attributed, and said so.
        #expect(record.repetitions.allSatisfy { $0.unattributedNs == $0.timeNs })
        #expect(record.notes.contains { $0.contains("no closed marker bracket") })
        #expect(record.headlineMedianNs == 1000)
        let marks = try String(contentsOfFile: dir + "/trace_marker", encoding: .utf8)
        #expect(marks == "hmmbench rep 0 beginhmmbench rep 0 endhmmbench rep 1 beginhmmbench rep 1 end")
        // Left as found: tracing off, no tracer, no filter.
        #expect(try String(contentsOfFile: dir + "/tracing_on", encoding: .utf8) == "0")
        #expect(try String(contentsOfFile: dir + "/current_tracer", encoding: .utf8) == "nop")
        #expect(try String(contentsOfFile: dir + "/set_ftrace_filter", encoding: .utf8) == "")
    }

    /// A traced run whose ring buffer overwrote events (per_cpu/cpuN/stats
    /// "overrun:") runs once more with a buffer retryFactor times larger,
    /// and the record says both; no overrun, one run.
    @Test func anOverflowingBufferIsTracedAgainLarger() throws {
        let dir = try Self.fakeTracefs(available: "dmirror_range_snapshot [test_hmm]\nhmm_range_fault\n")
        try FileManager.default.createDirectory(atPath: dir + "/per_cpu/cpu0", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/per_cpu/cpu1", withIntermediateDirectories: true)
        try "entries: 100\noverrun: 0\n".write(toFile: dir + "/per_cpu/cpu0/stats", atomically: false, encoding: .utf8)
        try "entries: 100\noverrun: 0\n".write(toFile: dir + "/per_cpu/cpu1/stats", atomically: false, encoding: .utf8)
        let (t, _) = Tracefs.locate(mountPoints: [dir])
        let runner = PhaseRunner(tracefs: t, unavailable: nil)
        runner.bufferKiB = 1024
        runner.maxBufferKiB = 1 << 20
        let p = try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "64K"])
        func measure() -> PhaseRecord {
            runner.measure(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 2),
                           headline: Self.headline("snapshot", backend: .kernel), isInterrupted: { false })
        }
        let quiet = measure()
        #expect(!quiet.notes.contains { $0.contains("overwrote") } && !quiet.lostEvents)
        #expect(try String(contentsOfFile: dir + "/buffer_size_kb", encoding: .utf8) == "1024")

        try "entries: 100\noverrun: 37\n".write(toFile: dir + "/per_cpu/cpu1/stats", atomically: false, encoding: .utf8)
        let lost = measure()
        #expect(try String(contentsOfFile: dir + "/buffer_size_kb", encoding: .utf8) == "\(1024 * PhaseRunner.retryFactor)")
        #expect(lost.notes.first == "traced twice: a 1024 KiB buffer per CPU overwrote 37 events, this run had 8192 KiB")
        // (the fake's counter does not move: the second run says so too)
        #expect(lost.notes.contains { $0.hasPrefix("the trace buffer (8192 KiB per CPU) overwrote 37 events") })
        #expect(lost.lostEvents)
    }

    @Test func obstaclesAreSkipsWithTheReason() throws {
        let p = try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "64K"])
        let none = PhaseRunner(tracefs: nil, unavailable: Tracefs.locate(mountPoints: ["/nonexistent-tracefs"]).reason)
        let r1 = none.measure(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 1),
                              headline: Self.headline("snapshot", backend: .kernel), isInterrupted: { false })
        #expect(r1.skipped?.contains("mount -t tracefs") == true)
        let sim = none.measure(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 1),
                               headline: Self.headline("snapshot", backend: .simulated), isInterrupted: { false })
        #expect(sim.skipped?.contains("simulated") == true)
        let dir = try Self.fakeTracefs(available: "something_else\n")
        let (t, _) = Tracefs.locate(mountPoints: [dir])
        let r3 = PhaseRunner(tracefs: t, unavailable: nil)
            .measure(SnapshotFlow(), p, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 1),
                     headline: Self.headline("snapshot", backend: .kernel), isInterrupted: { false })
        #expect(r3.skipped?.contains("missing: dmirror_range_snapshot, hmm_range_fault") == true)
        #expect(r3.missing == ["dmirror_range_snapshot", "hmm_range_fault"])
        let cb = try FlowCatalog.standard.parameters(flow: "copy-bandwidth", values: [:])
        let r4 = PhaseRunner(tracefs: t, unavailable: nil)
            .measure(CopyBandwidthFlow(), cb, context: Self.context(), options: RunOptions(warmup: 0, repetitions: 1),
                     headline: Self.headline("copy-bandwidth", backend: .kernel), isInterrupted: { false })
        #expect(r4.skipped == "this flow names no phase functions")
    }

    @Test func recordRoundTripsAndOldResultsReadWithout() throws {
        var r = Self.headline("snapshot", backend: .kernel)
        let plain = try JSONDecoder().decode(FlowResult.self, from: JSONEncoder().encode(r))
        #expect(plain.phases == nil)
        r.phases = PhaseRecord(skipped: "no tracefs")
        let back = try JSONDecoder().decode(FlowResult.self, from: JSONEncoder().encode(r))
        #expect(back.phases?.skipped == "no tracefs")
    }
}
