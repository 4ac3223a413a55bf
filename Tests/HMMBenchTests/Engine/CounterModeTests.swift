import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The engine's counter modes: by default no /proc read sits between a
/// timed repetition's prepare() and its window; the counters come from
/// counted repetitions after the timed ones. A flow and a counter reader
/// made up here write every call into one log, so the tests see the
/// order of prepare, measure and counter reads.
struct CounterModeTests {
    /// What happened, in order.
    final class Log: @unchecked Sendable {
        var events: [String] = []
        var measured = 0
        var readerOpened = 0
    }

    /// Each measure() returns the next time: 100, 101, ... so a test can
    /// tell which repetitions a series holds.
    struct LoggedFlow: FlowDefinition {
        let log: Log
        let name = "logged"
        let summary = "a flow that logs its calls"
        let details = "nothing is timed"
        var parameters: [FlowParameter] { [] }

        final class Instance: FlowInstance {
            let log: Log
            init(_ log: Log) { self.log = log }
            var bytesPerOp: Int { 4096 }
            var pagesPerOp: Int { 1 }
            var backend: BackendKind { .simulated }
            var deviceMemory: DeviceMemoryKind? { nil }
            func prepare() throws { log.events.append("prepare") }
            func measure() throws -> UInt64 {
                log.events.append("measure")
                log.measured += 1
                return UInt64(99 + log.measured)
            }
            func check() throws -> FlowCheck { FlowCheck(passed: true, detail: "ok") }
        }

        func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance { Instance(log) }
    }

    /// Counts one "reads" counter per recorded repetition: 10, 20, 30 ...
    final class LoggedCounters: RepetitionCounters {
        let log: Log
        var series: [Int64] = []
        init(_ log: Log) { self.log = log }
        func reserve(_ repetitions: Int) {}
        func read(_ slot: CounterReader.Slot) { log.events.append(slot == .before ? "read-before" : "read-after") }
        func record() {
            log.events.append("record")
            series.append(Int64(10 * (series.count + 1)))
        }
        func summaries() -> [String: CounterSummary] {
            series.isEmpty ? [:] : ["reads": CounterSummary(source: "vmstat", perRepetition: series)]
        }
    }

    static func run(_ options: RunOptions, log: Log, interruptAfter stop: Int? = nil) throws -> FlowResult {
        let context = FlowContext(mirror: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), migrator: SimulatedMigrator(nodes: 2))
        return try Runner.run(LoggedFlow(log: log), FlowParameters(flow: "logged", values: [:]), context: context,
                              options: options, counters: { log.readerOpened += 1; return LoggedCounters(log) },
                              isInterrupted: { stop.map { log.measured >= $0 } ?? false })
    }

    static let timed = ["prepare", "measure"]
    static let counted = ["prepare", "read-before", "measure", "read-after", "record"]

    @Test func byDefaultTimedRepetitionsReadNothingAndCountedOnesFollow() throws {
        let log = Log()
        let r = try Self.run(RunOptions(warmup: 1, repetitions: 8), log: log)
        // Warm-up, 8 timed repetitions without a read, then min(8, 5) counted.
        #expect(log.events == Self.timed + Array(repeating: Self.timed, count: 8).flatMap { $0 }
                    + Array(repeating: Self.counted, count: 5).flatMap { $0 })
        #expect(r.counterMode == .separate)
        #expect(r.samplesNs == (101...108).map(Double.init))
        #expect(r.countedSamplesNs == (109...113).map(Double.init))
        #expect(r.counters["reads"]?.perRepetition == [10, 20, 30, 40, 50])
        // Headline statistics are of the timed repetitions only.
        #expect(r.stats.n == 8 && r.stats.max == 108)
    }

    @Test func countedRepetitionsAreAtMostTheTimedOnesUnlessAsked() throws {
        let few = try Self.run(RunOptions(warmup: 0, repetitions: 3), log: Log())
        #expect(few.countedSamplesNs?.count == 3)
        let asked = try Self.run(RunOptions(warmup: 0, repetitions: 3, countedRepetitions: 7), log: Log())
        #expect(asked.countedSamplesNs?.count == 7)
        #expect(asked.counters["reads"]?.perRepetition.count == 7)
        #expect(RunOptions(repetitions: 40).counted == 5)
        #expect(RunOptions(repetitions: 40, counters: .paired).counted == 0)
    }

    @Test func pairedReadsAroundEveryTimedRepetition() throws {
        let log = Log()
        let r = try Self.run(RunOptions(warmup: 0, repetitions: 4, counters: .paired), log: log)
        #expect(log.events == Array(repeating: Self.counted, count: 4).flatMap { $0 })
        #expect(r.counterMode == .paired)
        #expect(r.countedSamplesNs == nil)
        #expect(r.counters["reads"]?.perRepetition.count == r.samplesNs.count)
    }

    @Test func offReadsNothingAtAll() throws {
        let log = Log()
        let r = try Self.run(RunOptions(warmup: 0, repetitions: 4, counters: .off), log: log)
        #expect(log.events == Array(repeating: Self.timed, count: 4).flatMap { $0 })
        #expect(log.readerOpened == 0)
        #expect(r.counters.isEmpty && r.countedSamplesNs == nil && r.counterMode == .off)
    }

    @Test func aCtrlCDuringTimedRepetitionsRunsNoCountedOne() throws {
        let log = Log()
        let r = try Self.run(RunOptions(warmup: 0, repetitions: 10), log: log, interruptAfter: 3)
        #expect(r.samplesNs.count == 3)
        #expect(!log.events.contains("read-before"))
        #expect(r.countedSamplesNs == [] && r.counters.isEmpty)
        #expect(r.notes.contains(Runner.interruptionNote(finished: 3, of: 10)))
        #expect(r.notes.contains(Runner.countedNote(finished: 0, of: 5)))
    }

    @Test func aCtrlCDuringCountedRepetitionsKeepsEveryTimedOne() throws {
        let log = Log()
        // 6 timed, then the second counted repetition finishes and the signal is seen.
        let r = try Self.run(RunOptions(warmup: 0, repetitions: 6), log: log, interruptAfter: 8)
        #expect(r.samplesNs.count == 6)
        #expect(r.countedSamplesNs == [106, 107])
        #expect(r.counters["reads"]?.perRepetition == [10, 20])
        #expect(!r.notes.contains { $0.hasPrefix("interrupted after") })
        #expect(r.notes.contains(Runner.countedNote(finished: 2, of: 5)))
    }

    @Test func theRealReaderCountsInSeparateMode() throws {
        // The simulator's snapshot flow with the real /proc reader: the
        // counted repetitions give a series of their own length.
        let context = FlowContext(mirror: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), migrator: SimulatedMigrator(nodes: 2))
        let p = try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "64K"])
        let r = try Runner.run(SnapshotFlow(), p, context: context, options: RunOptions(warmup: 0, repetitions: 7, countedRepetitions: 2),
                               isInterrupted: { false })
        #expect(r.countedSamplesNs?.count == 2)
        if FileManager.default.isReadableFile(atPath: "/proc/interrupts"),
           (SystemFacts.read("/proc/interrupts") ?? "").contains("TLB:") {
            #expect(r.counters["interrupts:TLB"]?.perRepetition.count == 2)
        }
        #expect(r.counters.values.allSatisfy { $0.perRepetition.count == 2 })
    }

    @Test func badCounterOptionsAreUsageErrors() throws {
        #expect(throws: HMMBenchError.self) { try CounterMode.parse("sometimes") }
        #expect(try CounterMode.parse("paired") == .paired)
        #expect(throws: HMMBenchError.self) { try RunOptions(counters: .paired, countedRepetitions: 3).validate() }
        #expect(throws: HMMBenchError.self) { try RunOptions(countedRepetitions: 0).validate() }
        try RunOptions(countedRepetitions: 3).validate()
    }

    /// A separate-mode result goes to disk and back; a version 2 file (no
    /// counter_mode) reads as paired; counters whose length is not the
    /// counted repetitions' are refused.
    @Test func theRecordSaysTheModeAndOldFilesStayReadable() throws {
        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var record = RunRecord(suite: nil, startedAt: "2026-01-01T00:00:00Z", environment: ReportFixtures.environment())
        record.complete = true
        record.results = [try Self.run(RunOptions(warmup: 0, repetitions: 6, countedRepetitions: 2), log: Log())]
        let path = dir + "/run.json"
        try AtomicWriter.writeJSON(record, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"counter_mode\" : \"separate\"") && text.contains("\"counted_samples_ns\""))
        #expect(text.contains("\"schema_version\" : 3"))
        let back = try RunReader.load(path).record.results[0]
        #expect(back.counterMode == .separate && back.countedSamplesNs == [106, 107])

        var old = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        old["schema_version"] = 2
        var results = try #require(old["results"] as? [[String: Any]])
        results[0]["counter_mode"] = nil
        results[0]["counted_samples_ns"] = nil
        old["results"] = results
        try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: dir + "/v2.json"))
        #expect(try RunReader.load(dir + "/v2.json").record.results[0].counterMode == .paired)

        results[0]["counter_mode"] = "separate"
        results[0]["counted_samples_ns"] = [1.0, 2.0, 3.0]
        old["results"] = results
        try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: dir + "/bad.json"))
        #expect(throws: HMMBenchError.self) { _ = try RunReader.load(dir + "/bad.json") }
    }
}
