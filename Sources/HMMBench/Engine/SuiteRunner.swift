import CShims
import Foundation

/// Where progress goes: one line per flow on stderr for runs that take
/// more than a moment.
public protocol ProgressSink: AnyObject {
    func flowStarted(index: Int, of total: Int, label: String)
    /// `done` of `planned` measured repetitions of the flow have finished.
    func repetitionFinished(index: Int, of total: Int, label: String, done: Int, planned: Int)
    /// One of `result`, `failed` (the reason) or `skipped` (the reason) is set.
    func flowFinished(index: Int, of total: Int, label: String, result: FlowResult?, failed: String?, skipped: String?,
                      seconds: Double)
}

extension ProgressSink {
    public func repetitionFinished(index: Int, of total: Int, label: String, done: Int, planned: Int) {}
}

/// Writes "[ 3/24] migrate-to-dev size=2M ...  0.41s  1.23 GiB/s" lines;
/// `repetitions` adds "[ 3/24] migrate-to-dev ...  repetition 4/20" after
/// every measured repetition (long flows, `run --verbose`).
public final class StderrProgress: ProgressSink {
    let enabled: Bool
    let repetitions: Bool
    public init(enabled: Bool = true, repetitions: Bool = false) {
        self.enabled = enabled
        self.repetitions = repetitions
    }

    func write(_ s: String) {
        if enabled { FileHandle.standardError.write(Data((s + "\n").utf8)) }
    }

    public func flowStarted(index: Int, of total: Int, label: String) {}

    func head(_ index: Int, _ total: Int, _ label: String) -> String {
        // total 0: a combination set aside before the run started.
        total == 0 ? "[-] \(label)" : "[\(Format.pad(String(index + 1), String(total).count))/\(total)] \(label)"
    }

    public func repetitionFinished(index: Int, of total: Int, label: String, done: Int, planned: Int) {
        if repetitions { write("\(head(index, total, label))  repetition \(done)/\(planned)") }
    }

    public func flowFinished(index: Int, of total: Int, label: String, result: FlowResult?, failed: String?, skipped: String?,
                             seconds: Double) {
        let head = head(index, total, label)
        if let failed {
            write("\(head)  FAILED: \(failed)")
        } else if let skipped {
            write("\(head)  skipped: \(skipped)")
        } else if let r = result {
            write("\(head)  \(Format.fixed(seconds, 2))s  median \(Format.duration(ns: r.stats.median))"
                  + "  \(Format.fixed(r.throughput.gibPerS.median, 2)) GiB/s  cv \(Format.fixed(r.stats.cv * 100, 1))%")
        }
    }
}

/// Runs a list of flows into one `RunRecord`: the flow that provides the
/// run's ceiling first (`FlowDefinition.providesCeiling`: every migration
/// result is also given as a ratio to it), then each entry; every flow
/// that ran derives its numbers over the results (`FlowDefinition.derive`)
/// before each write of the file and once at the end. The engine asks
/// flows what they provide and never names one. Each
/// entry ends as a result, a failure (`failed`, with errno and stage) or a
/// skip (`skipped`, what the box lacks). The record is written atomically
/// as flows finish once it holds a result or a failure, so a crash or a
/// second Ctrl-C keeps what completed, and a run that measured nothing
/// never replaces an earlier file. Those writes are paced so that they
/// cost a bounded share of the run (`writeShare`): each rewrites the whole
/// file, and one after every flow made a run quadratic in its flows. The
/// first flow's write, a write as soon as a Ctrl-C is seen and the last
/// write are never skipped. One Ctrl-C ends the run after the repetition
/// under way, keeping the flow's finished repetitions.
public final class SuiteRunner {
    public let selection: BackendSelection
    public let options: RunOptions
    public let catalog: FlowCatalog
    public var progress: ProgressSink?
    /// Where the record is written (nil: not written).
    public let outputPath: String?
    /// Whether `run` wrote `outputPath`. False when the run measured
    /// nothing and a file was already there: that file is left as it was.
    public private(set) var wroteOutput = false
    /// Whether Ctrl-C has arrived: the signal flag (tests give their own).
    public var isInterrupted: () -> Bool = { Runner.interrupted }
    /// At most this share of the run goes to intermediate writes: after a
    /// write that took t seconds, the next one waits until t * (1 - share)
    /// / share seconds have passed (0.2: four times the write's cost).
    public var writeShare = 0.2
    /// How many times `run` wrote `outputPath` (tests check the pacing).
    public private(set) var writes = 0
    /// `run --phases`: measures each result's phases after it (nil: none).
    public var phases: PhaseRunner?

    public init(selection: BackendSelection, options: RunOptions, catalog: FlowCatalog = .standard,
                outputPath: String?, progress: ProgressSink? = nil) {
        self.selection = selection
        self.options = options
        self.catalog = catalog
        self.outputPath = outputPath
        self.progress = progress
    }

    /// One-line label of an entry: "fault-read size=2M mapping=anon ...".
    public static func label(_ p: FlowParameters) -> String {
        p.values.isEmpty ? p.flow : p.flow + " " + p.values.keyValueText
    }

    /// Runs `entries`; `planSkips` are entries set aside before the run
    /// (what this box lacks) and recorded as skipped. Returns the record
    /// (also written to `outputPath`). A flow that fails is recorded and
    /// the run goes on; Ctrl-C ends it early with `complete = false`.
    public func run(suite: String?, entries: [FlowParameters], rejected planSkips: [SkippedFlow] = []) throws -> RunRecord {
        // The measuring thread is pinned (by default too): a thread that
        // moves between CPUs between repetitions is a source of noise.
        let measuring = MeasuringCPU.choose(explicit: options.cpu, node: options.memoryNode ?? 0,
                                            topology: selection.migrator.topology)
        let saved = Runner.Affinity.current()
        if let measuring { try Runner.pin(cpu: measuring.cpu) }
        defer { saved?.restore() }
        if let node = options.memoryNode { try Runner.bindMemory(node: node, migrator: selection.migrator) }
        _ = hmmb_install_interrupt_handler()
        let context = FlowContext(mirror: selection.mirror, migrator: selection.migrator, pinnedCPU: measuring?.cpu)
        var record = RunRecord(suite: suite, startedAt: EnvironmentCapture.timestamp(),
                               environment: EnvironmentCapture.capture(selection, pinnedCPU: measuring?.cpu))
        record.environment.pinnedCPUReason = measuring?.reason
        record.environment.memoryNode = options.memoryNode
        record.skipped = planSkips
        for r in planSkips {
            progress?.flowFinished(index: 0, of: 0, label: Self.label(FlowParameters(flow: r.flow, values: r.params)),
                                   result: nil, failed: nil, skipped: r.reason, seconds: 0)
        }
        var todo = entries
        // The flows that ran, in first-run order: each derives its numbers
        // over all results, once before each write and once at the end
        // (after every flow it made a run quadratic in its flows).
        var ran: [FlowDefinition] = []
        func derive(_ r: inout RunRecord) {
            for definition in ran { definition.derive(&r.results) }
        }
        // Pacing of the intermediate writes (see writeShare).
        var lastWrite: UInt64?
        var lastWriteCost = 0.0
        var unsaved = false
        func saveProgress(_ record: RunRecord, done: Int, force: Bool) throws {
            guard outputPath != nil, hasMeasurements(record), unsaved else { return }
            let now = Clock.now()
            if !force, let last = lastWrite,
               Double(now &- last) / 1e9 < lastWriteCost * (1 - writeShare) / max(writeShare, 1e-3) { return }
            // What a reader of this file sees if the process dies before
            // the next save (a second Ctrl-C, a kill).
            var snapshot = record
            derive(&snapshot)
            snapshot.incompleteReason = "the run stopped before it finished: \(done) of \(todo.count) flows done"
            try save(snapshot)
            let end = Clock.now()
            lastWrite = end
            lastWriteCost = Double(end &- now) / 1e9
            unsaved = false
        }
        // Flows that open no dmirror device come first, in their order: once
        // a device has been opened, this process's mm keeps mmu-notifier
        // subscriptions until it exits and every page a NUMA flow moves
        // passes the notifier hooks (KernelBackend.hasOpenedDevice; a
        // device still open costs a 2 MiB move 17% on 6.12, bench/README).
        let opens = { (p: FlowParameters) in (try? self.catalog.flow(named: p.flow))?.opensDevice ?? true }
        todo = todo.filter { !opens($0) } + todo.filter(opens)
        // The ceiling comes first so every later result can be compared to it.
        if let i = todo.firstIndex(where: { (try? catalog.flow(named: $0.flow))?.providesCeiling == true }), i != 0 {
            todo.insert(todo.remove(at: i), at: 0)
        }
        for (index, params) in todo.enumerated() {
            if isInterrupted() {
                record.incompleteReason = "interrupted by a signal after \(index) of \(todo.count) flows"
                break
            }
            let label = Self.label(params)
            progress?.flowStarted(index: index, of: todo.count, label: label)
            let start = Clock.now()
            var options = self.options
            do {
                let definition = try catalog.flow(named: params.flow)
                options.warmup = max(options.warmup, definition.minimumWarmup)
                let planned = options.repetitions
                let completed = record
                var result = try Runner.run(definition, params, context: context, options: options,
                                            isInterrupted: isInterrupted) { [progress, isInterrupted] done in
                    progress?.repetitionFinished(index: index, of: todo.count, label: label, done: done, planned: planned)
                    // A first Ctrl-C: what completed goes to disk now, before
                    // a second one can stop the process.
                    if isInterrupted() { try? saveProgress(completed, done: index, force: true) }
                }
                if let phases, !isInterrupted() {
                    result.phases = phases.measure(definition, params, context: context, options: options, headline: result,
                                                   isInterrupted: isInterrupted)
                }
                if definition.providesCeiling { context.copyBandwidthGiBps = result.throughput.gibPerS.median }
                if !ran.contains(where: { $0.name == definition.name }) { ran.append(definition) }
                record.results.append(result)
                progress?.flowFinished(index: index, of: todo.count, label: label, result: result, failed: nil, skipped: nil,
                                       seconds: Double(Clock.now() - start) / 1e9)
                if result.samplesNs.count < planned {
                    record.incompleteReason = "interrupted by a signal during flow \(index + 1) of \(todo.count) (\(label)): "
                        + "kept as a partial result, \(Runner.interruptionNote(finished: result.samplesNs.count, of: planned))"
                }
            } catch let skip as FlowSkip {
                record.skipped.append(SkippedFlow(flow: params.flow, params: params.values, reason: skip.reason))
                progress?.flowFinished(index: index, of: todo.count, label: label, result: nil, failed: nil, skipped: skip.reason,
                                       seconds: 0)
            } catch let failure as FlowFailure {
                record.failed.append(failure.record(flow: params.flow, params: params.values))
                progress?.flowFinished(index: index, of: todo.count, label: label, result: nil, failed: failure.description,
                                       skipped: nil, seconds: Double(Clock.now() - start) / 1e9)
            } catch let e as HMMBenchError where e.kind == .interrupted {
                record.incompleteReason = "interrupted by a signal during flow \(index + 1) of \(todo.count) (\(label)) "
                    + "before its first measured repetition finished: no result for it"
                break
            } catch let e as HMMBenchError where e.kind == .system || e.kind == .environment {
                let failure = FlowFailure(.setup, e)
                record.failed.append(failure.record(flow: params.flow, params: params.values))
                progress?.flowFinished(index: index, of: todo.count, label: label, result: nil, failed: failure.description,
                                       skipped: nil, seconds: 0)
            } catch {
                // Anything else stops the run; the file says why and keeps
                // what completed.
                record.incompleteReason = "stopped during flow \(index + 1) of \(todo.count) (\(label)): \(error)"
                derive(&record)
                record.finishedAt = EnvironmentCapture.timestamp()
                if hasMeasurements(record) { try? save(record) }
                throw error
            }
            if record.incompleteReason != nil { break }
            unsaved = true
            try saveProgress(record, done: index + 1, force: lastWrite == nil || isInterrupted())
        }
        derive(&record)
        record.finishedAt = EnvironmentCapture.timestamp()
        record.complete = record.incompleteReason == nil
        if hasMeasurements(record) || !(outputPath.map { FileManager.default.fileExists(atPath: $0) } ?? true) {
            try save(record)
        }
        return record
    }

    /// A record worth replacing an earlier file with: at least one result
    /// or failure.
    func hasMeasurements(_ record: RunRecord) -> Bool {
        !record.results.isEmpty || !record.failed.isEmpty
    }

    func save(_ record: RunRecord) throws {
        guard let outputPath else { return }
        try AtomicWriter.writeJSON(record, to: outputPath)
        wroteOutput = true
        writes += 1
    }
}
