import CShims
import Foundation

/// Where progress goes: one line per flow on stderr for runs that take
/// more than a moment.
public protocol ProgressSink: AnyObject {
    func flowStarted(index: Int, of total: Int, label: String)
    /// One of `result`, `failed` (the reason) or `skipped` (the reason) is set.
    func flowFinished(index: Int, of total: Int, label: String, result: FlowResult?, failed: String?, skipped: String?,
                      seconds: Double)
}

/// Writes "[ 3/24] migrate-to-dev size=2M ...  0.41s  1.23 GiB/s" lines.
public final class StderrProgress: ProgressSink {
    let enabled: Bool
    public init(enabled: Bool = true) { self.enabled = enabled }

    func write(_ s: String) {
        if enabled { FileHandle.standardError.write(Data((s + "\n").utf8)) }
    }

    public func flowStarted(index: Int, of total: Int, label: String) {}

    public func flowFinished(index: Int, of total: Int, label: String, result: FlowResult?, failed: String?, skipped: String?,
                             seconds: Double) {
        let w = String(total).count
        // total 0: a combination set aside before the run started.
        let head = total == 0 ? "[-] \(label)" : "[\(Format.pad(String(index + 1), w))/\(total)] \(label)"
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

/// Runs a list of flows into one `RunRecord`: copy bandwidth first (every
/// migration result is also given as a ratio to it), then each entry. Each
/// entry ends as a result, a failure (`failed`, with errno and stage) or a
/// skip (`skipped`, what the box lacks); the record is written atomically
/// after every flow, so Ctrl-C or a crash keeps what completed.
public final class SuiteRunner {
    public let selection: BackendSelection
    public let options: RunOptions
    public let catalog: FlowCatalog
    public var progress: ProgressSink?
    /// Where the record is written (nil: not written).
    public let outputPath: String?

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

    /// Runs `entries`. Returns the record (also written to `outputPath`).
    /// A fatal error in one flow is recorded as a skip with the error, not
    /// an abort; Ctrl-C ends the run early with `complete = false`.
    public func run(suite: String?, entries: [FlowParameters], rejected: [SkippedFlow] = []) throws -> RunRecord {
        if let cpu = options.cpu { try Runner.pin(cpu: cpu) }
        if let node = options.memoryNode { try Runner.bindMemory(node: node, migrator: selection.migrator) }
        _ = hmmb_install_interrupt_handler()
        let context = FlowContext(mirror: selection.mirror, migrator: selection.migrator, pinnedCPU: options.cpu)
        var record = RunRecord(suite: suite, startedAt: EnvironmentCapture.timestamp(),
                               environment: EnvironmentCapture.capture(selection, pinnedCPU: options.cpu))
        record.environment.memoryNode = options.memoryNode
        record.skipped = rejected
        for r in rejected {
            progress?.flowFinished(index: 0, of: 0, label: Self.label(FlowParameters(flow: r.flow, values: r.params)),
                                   result: nil, failed: nil, skipped: r.reason, seconds: 0)
        }
        var todo = entries
        // The ceiling comes first so every later result can be compared to it.
        if let i = todo.firstIndex(where: { $0.flow == "copy-bandwidth" }), i != 0 {
            todo.insert(todo.remove(at: i), at: 0)
        }
        try save(record)
        for (index, params) in todo.enumerated() {
            if Runner.interrupted {
                record.incompleteReason = "interrupted by a signal after \(index) of \(todo.count) flows"
                break
            }
            let label = Self.label(params)
            progress?.flowStarted(index: index, of: todo.count, label: label)
            let start = Clock.now()
            do {
                var options = self.options
                if params.flow == "copy-bandwidth" { options.warmup = max(options.warmup, 1) }
                let result = try Runner.run(try catalog.flow(named: params.flow), params, context: context, options: options)
                if result.flow == "copy-bandwidth" { context.copyBandwidthGiBps = result.throughput.gibPerS.median }
                record.results.append(result)
                progress?.flowFinished(index: index, of: todo.count, label: label, result: result, failed: nil, skipped: nil,
                                       seconds: Double(Clock.now() - start) / 1e9)
            } catch let skip as FlowSkip {
                record.skipped.append(SkippedFlow(flow: params.flow, params: params.values, reason: skip.reason))
                progress?.flowFinished(index: index, of: todo.count, label: label, result: nil, failed: nil, skipped: skip.reason,
                                       seconds: 0)
            } catch let failure as FlowFailure {
                record.failed.append(failure.record(flow: params.flow, params: params.values))
                progress?.flowFinished(index: index, of: todo.count, label: label, result: nil, failed: failure.description,
                                       skipped: nil, seconds: Double(Clock.now() - start) / 1e9)
            } catch let e as HMMBenchError where e.kind == .interrupted {
                record.incompleteReason = "interrupted by a signal during flow \(index + 1) of \(todo.count) (\(label))"
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
                record.finishedAt = EnvironmentCapture.timestamp()
                try? save(record)
                throw error
            }
            FaultMigrateOrderFlow.addRatios(&record.results)
            try save(record)
        }
        record.finishedAt = EnvironmentCapture.timestamp()
        record.complete = record.incompleteReason == nil
        try save(record)
        return record
    }

    func save(_ record: RunRecord) throws {
        guard let outputPath else { return }
        try AtomicWriter.writeJSON(record, to: outputPath)
    }
}
