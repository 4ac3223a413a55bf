import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `run --phases`: after a flow's untraced (headline) run, runs the same
/// flow again with function_graph on, filtered to the flow's phase
/// functions, each measured repetition bracketed by trace_marker lines,
/// and records the split (`PhaseRecord`) on the headline result. Tracing
/// is switched on once before the traced run and off after it (it patches
/// kernel text), never per repetition. Anything that keeps the phases from
/// being measured (no tracefs, a function the kernel refuses, the traced
/// run failing) is a skip of the phases with the reason, never a failure of
/// the flow.
public final class PhaseRunner {
    let tracefs: Tracefs?
    /// Why there is no tracefs here (nil when there is one).
    public let unavailable: String?
    /// When set, each traced run's raw function_graph text and trace_stat
    /// files are kept there (`run --phases-raw DIR`), named after the flow.
    public var rawDirectory: String?
    private var rawCount = 0
    /// Per-CPU ring buffer asked for, KiB. A traced run whose buffer
    /// overwrote events runs once more with `retryFactor` times as much
    /// (at most `maxBufferKiB`).
    public var bufferKiB = 8192
    public static let retryFactor = 8
    /// The largest per-CPU buffer a retry asks for: an eighth of
    /// MemAvailable shared by the CPUs (no retry when that is not above
    /// `bufferKiB`). Read from /proc/meminfo only when a retry is due.
    public lazy var maxBufferKiB: Int = {
        let cpus = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        guard let avail = MemoryBudget.current(backend: .kernel)?.availableBytes else { return 65536 }
        return avail / 8 / 1024 / cpus
    }()
    private var availableFunctions: [String]?

    public init(tracefs: Tracefs?, unavailable: String?) {
        self.tracefs = tracefs
        self.unavailable = unavailable
    }

    /// The tracefs of this box, or the reason it has none.
    public static func here() -> PhaseRunner {
        let (t, reason) = Tracefs.locate()
        return PhaseRunner(tracefs: t, unavailable: reason)
    }

    /// The phases of `definition` with `params`, measured by a traced run
    /// with the headline run's options.
    public func measure(_ definition: FlowDefinition, _ params: FlowParameters, context: FlowContext, options: RunOptions,
                        headline: FlowResult, isInterrupted: @escaping () -> Bool) -> PhaseRecord {
        guard headline.backend == .kernel else {
            return PhaseRecord(skipped: "the \(headline.backend.rawValue) backend does no kernel work to trace")
        }
        let specs = definition.phases(params)
        guard !specs.isEmpty else { return PhaseRecord(skipped: "this flow names no phase functions") }
        guard let tracefs else { return PhaseRecord(skipped: unavailable ?? "no tracefs") }
        do {
            if availableFunctions == nil {
                availableFunctions = KernelFunctionNames.available(try tracefs.read("available_filter_functions"))
            }
            let resolution = PhaseResolution.resolve(specs, available: availableFunctions ?? [])
            guard !resolution.phases.isEmpty else {
                return PhaseRecord(skipped: "none of the phase functions is traceable on this kernel (missing: "
                    + resolution.missing.joined(separator: ", ") + ")", missing: resolution.missing)
            }
            let first = try traced(definition, params, context: context, options: options, headline: headline,
                                   resolution: resolution, tracefs: tracefs, bufferKiB: bufferKiB, isInterrupted: isInterrupted)
            guard first.overrun > 0, !isInterrupted() else { return first.record }
            let bigger = min(bufferKiB * Self.retryFactor, maxBufferKiB)
            guard bigger > bufferKiB else { return first.record }
            // The ring buffer overwrote the oldest events (the first
            // repetitions' brackets): once more with a larger buffer.
            var again = try traced(definition, params, context: context, options: options, headline: headline,
                                   resolution: resolution, tracefs: tracefs, bufferKiB: bigger, isInterrupted: isInterrupted)
            again.record.notes.insert("traced twice: a \(bufferKiB) KiB buffer per CPU overwrote \(first.overrun) events, "
                                      + "this run had \(bigger) KiB", at: 0)
            return again.record
        } catch let skip as FlowSkip {
            return PhaseRecord(skipped: "the traced run was skipped: \(skip.reason)")
        } catch let failure as FlowFailure {
            return PhaseRecord(skipped: "the traced run failed: \(failure.description)")
        } catch {
            return PhaseRecord(skipped: "tracing failed: \(error)")
        }
    }

    func traced(_ definition: FlowDefinition, _ params: FlowParameters, context: FlowContext, options: RunOptions,
                headline: FlowResult, resolution: PhaseResolution, tracefs: Tracefs, bufferKiB: Int,
                isInterrupted: @escaping () -> Bool) throws -> (record: PhaseRecord, overrun: Int) {
        var notes: [String] = []
        try tracefs.write("tracing_on", "0")
        try tracefs.write("current_tracer", "nop")
        try tracefs.write("trace", "")
        defer {
            try? tracefs.write("tracing_on", "0")
            try? tracefs.write("function_profile_enabled", "0")
            try? tracefs.write("current_tracer", "nop")
            try? tracefs.write("set_ftrace_filter", "")
            try? tracefs.write("trace", "")
        }
        // One name per write: a name the kernel refuses is named in the error.
        try tracefs.write("set_ftrace_filter", "")
        for f in resolution.filter {
            let p = tracefs.path("set_ftrace_filter")
            try appendLine(f, to: p)
        }
        try? tracefs.write("buffer_size_kb", String(bufferKiB))
        for option in ["funcgraph-cpu", "nofuncgraph-proc", "nofuncgraph-abstime", "funcgraph-duration", "funcgraph-tail",
                       "sleep-time", "graph-time"] {
            try? tracefs.write("trace_options", option)
        }
        try tracefs.write("current_tracer", "function_graph")
        var profiling = false
        if tracefs.exists("function_profile_enabled") {
            do {
                try tracefs.write("function_profile_enabled", "1")
                profiling = true
            } catch let e as HMMBenchError {
                notes.append("function profiler not run beside function_graph on this kernel (\(e.message)): no per-CPU rows")
            }
        }
        let marker = try TraceMarker(tracefs)
        try tracefs.write("tracing_on", "1")
        // The traced run reads no counters: the headline run has them, and
        // counted repetitions here would only fill the trace buffer.
        var tracedOptions = options
        tracedOptions.counters = .off
        let traced = try Runner.run(definition, params, context: context, options: tracedOptions, tracer: marker,
                                    isInterrupted: isInterrupted)
        try tracefs.write("tracing_on", "0")
        let overrun = tracefs.overruns() ?? 0
        if overrun > 0 {
            notes.append("the trace buffer (\(bufferKiB) KiB per CPU) overwrote \(overrun) events: the first repetitions lack calls")
        }
        let text = try tracefs.read("trace")
        var profile: [ProfileRow]?
        if profiling {
            profile = try tracefs.profileCPUs().flatMap { cpu in
                try FunctionProfileParser.parse(try tracefs.read("trace_stat/function\(cpu)"), cpu: cpu, phases: resolution)
            }
            notes.append("profile rows cover the whole traced run (warmup and set-up too)")
        }
        if let dir = rawDirectory { keepRaw(text, profileFiles: profiling ? tracefs : nil, flow: definition.name, in: dir) }
        let graph = GraphTraceParser.parse(text, phases: resolution)
        if graph.lostEvents { notes.append("the trace buffer lost events: some repetitions lack calls") }
        let byIndex = Dictionary(graph.repetitions.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        let ops = Double(traced.opsPerSample)
        let reps = traced.samplesNs.enumerated().map { i, s in PhaseRepetition(timeNs: s * ops, graph: byIndex[i]) }
        let unbracketed = traced.samplesNs.indices.filter { byIndex[$0] == nil }
        if !unbracketed.isEmpty {
            notes.append("no closed marker bracket for repetition(s) \(unbracketed.map(String.init).joined(separator: ",")): "
                + "nothing attributed there")
        }
        return (PhaseRecord(resolution: resolution, repetitions: reps, profile: profile,
                            headlineMedianNs: headline.stats.median, tracedMedianNs: traced.stats.median,
                            counters: traced.counters, lostEvents: graph.lostEvents || overrun > 0, nesting: graph.nesting,
                            notes: notes), overrun)
    }

    /// Writes the raw trace (and the trace_stat files) of one traced run.
    func keepRaw(_ text: String, profileFiles: Tracefs?, flow: String, in dir: String) {
        rawCount += 1
        let base = dir + "/" + String(format: "%02d", rawCount) + "-" + flow
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? AtomicWriter.write(text, to: base + ".graph.txt")
        if let t = profileFiles {
            for cpu in t.profileCPUs() {
                if let s = try? t.read("trace_stat/function\(cpu)") { try? AtomicWriter.write(s, to: base + ".function\(cpu).txt") }
            }
        }
    }

    /// Appends one line to a tracefs file (O_APPEND: set_ftrace_filter adds
    /// the name to the filter instead of replacing it).
    func appendLine(_ line: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if fd < 0 { throw HMMBenchError.system("open \(path)", errno: errno) }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            throw HMMBenchError.system("add \(line) to \(path)", errno: errno,
                                       hint: "the kernel refused a name available_filter_functions listed")
        }
    }
}
