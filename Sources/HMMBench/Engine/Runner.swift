import CShims
import Foundation

/// How the engine repeats a flow.
public struct RunOptions: Sendable {
    /// Repetitions run and thrown away first (the driver also allocates its
    /// first device-memory chunk here).
    public var warmup: Int
    /// Measured repetitions; every sample is kept.
    public var repetitions: Int
    /// Pin the measuring thread to this CPU.
    public var cpu: Int?
    /// Bind the measuring thread's memory to this NUMA node (MPOL_BIND).
    public var memoryNode: Int?
    /// How the counters are read (default: from separate counted
    /// repetitions, none around the timed ones).
    public var counters: CounterMode
    /// Counted repetitions in `.separate` mode; nil: min(repetitions, 5).
    public var countedRepetitions: Int?

    public init(warmup: Int = 2, repetitions: Int = 10, cpu: Int? = nil, memoryNode: Int? = nil,
                counters: CounterMode = .separate, countedRepetitions: Int? = nil) {
        self.warmup = warmup
        self.repetitions = repetitions
        self.cpu = cpu
        self.memoryNode = memoryNode
        self.counters = counters
        self.countedRepetitions = countedRepetitions
    }

    /// Valid `warmup`, `repetitions` and `countedRepetitions` values.
    public static let warmupRange = 0...10_000
    public static let repetitionsRange = 1...100_000
    public static let countedRange = 1...10_000

    /// The counted repetitions a flow gets: 0 unless `.separate`.
    public var counted: Int {
        counters == .separate ? countedRepetitions ?? min(repetitions, CounterMode.defaultCounted) : 0
    }

    public func validate() throws {
        guard Self.warmupRange.contains(warmup) else {
            throw HMMBenchError.usage("--warmup \(warmup) is out of range \(Self.warmupRange.lowerBound)...\(Self.warmupRange.upperBound)")
        }
        guard Self.repetitionsRange.contains(repetitions) else {
            throw HMMBenchError.usage("--repetitions \(repetitions) is out of range "
                                      + "\(Self.repetitionsRange.lowerBound)...\(Self.repetitionsRange.upperBound)")
        }
        if let n = countedRepetitions {
            guard Self.countedRange.contains(n) else {
                throw HMMBenchError.usage("--counted \(n) is out of range \(Self.countedRange.lowerBound)...\(Self.countedRange.upperBound)")
            }
            guard counters == .separate else {
                throw HMMBenchError.usage("--counted needs --counters separate (it is \(counters.rawValue))",
                                          hint: "counted repetitions exist only in separate mode")
            }
        }
    }

    /// Parses the text of a count option (`--repetitions 2.5`, `-n -1`)
    /// into a whole number in `range`, or a usage error that names the
    /// option and the valid range.
    public static func count(_ text: String, option: String, in range: ClosedRange<Int>) throws -> Int {
        let valid = "\(range.lowerBound)...\(range.upperBound)"
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw HMMBenchError.usage("\(option) \(text) is not a whole number (valid: \(valid))")
        }
        guard range.contains(n) else { throw HMMBenchError.usage("\(option) \(text) is out of range \(valid)") }
        return n
    }
}

/// Runs one flow instance: warmup, repetitions with counter deltas around
/// each measured body, then the flow's check. Ctrl-C is honoured between
/// repetitions: the repetition under way finishes, and the ones that
/// finished are kept as a partial result.
public enum Runner {
    /// Pins the calling thread; a usage error for a CPU that is not allowed.
    public static func pin(cpu: Int) throws {
        let allowed = CPUSet.atStart
        guard allowed.contains(cpu) else {
            throw HMMBenchError.usage("--cpu \(cpu) is not an online CPU this process may use",
                                      hint: "CPUs allowed: \(allowed.map(String.init).joined(separator: ","))")
        }
        let r = hmmb_pin_to_cpu(Int32(cpu))
        if r < 0 { throw HMMBenchError.system("sched_setaffinity to CPU \(cpu)", errno: -r) }
    }

    /// The calling thread's CPU mask, to put back after a run pinned it.
    public struct Affinity {
        var mask: [UInt8]

        /// The mask now; nil if it cannot be read.
        public static func current() -> Affinity? {
            var mask = [UInt8](repeating: 0, count: hmmb_affinity_size())
            let r = mask.withUnsafeMutableBytes { hmmb_get_affinity($0.baseAddress, $0.count) }
            return r == 0 ? Affinity(mask: mask) : nil
        }

        /// Sets the calling thread's mask back to this one.
        public func restore() {
            _ = mask.withUnsafeBytes { hmmb_set_affinity($0.baseAddress, $0.count) }
        }
    }

    /// Binds the calling thread's future allocations to `node`
    /// (set_mempolicy MPOL_BIND). On a simulated topology only the node is
    /// checked: there is nothing real to bind.
    public static func bindMemory(node: Int, migrator: NodeMigrator) throws {
        try migrator.topology.require(node: node)
        guard migrator.kind == .kernel else { return }
        let mask = LibnumaMigrator.mask(node)
        let r = hmmb_set_mempolicy(HMMB_MPOL_BIND, mask, UInt(mask.count * UInt.bitWidth + 1))
        if r < 0 { throw HMMBenchError.system("set_mempolicy MPOL_BIND to node \(node)", errno: -r) }
    }

    /// Whether Ctrl-C (or SIGTERM) has arrived.
    public static var interrupted: Bool { hmmb_interrupted() != 0 }

    /// The note a partial result carries.
    public static func interruptionNote(finished: Int, of planned: Int) -> String {
        "interrupted after \(finished) of \(planned) repetitions"
    }

    /// Measures `definition` with `params`. Throws `FlowSkip` when the flow
    /// cannot run here, `FlowFailure` when a kernel call, the memory or the
    /// post-check failed (with the stage and the repetitions that finished),
    /// `HMMBenchError(.interrupted)` on Ctrl-C before the first measured
    /// repetition finished. Ctrl-C later ends the loop after the repetition
    /// under way: the result then holds the finished repetitions and the
    /// note `interruptionNote` (the caller sees `interrupted` set), and no
    /// counted repetition runs.
    ///
    /// Counters (`options.counters`): in `.separate` mode (the default) the
    /// timed repetitions read nothing between prepare() and the window;
    /// `options.counted` more repetitions follow through the same
    /// prepare/measure path with the counters read around measure(), their
    /// times kept apart (`countedSamplesNs`) and out of the statistics.
    /// `.paired` reads them around every timed repetition; `.off` never.
    /// `counters` opens the reader (tests give their own files or a fake).
    /// `onRepetition` is called with the count of timed repetitions
    /// finished, after each one. `isInterrupted` is the signal flag (tests
    /// give their own, so no real signal reaches other tests). `tracer`
    /// (run --phases) is called before and after each measured repetition,
    /// outside the window and the counter reads.
    public static func run(_ definition: FlowDefinition, _ params: FlowParameters, context: FlowContext,
                           options: RunOptions, tracer: PhaseTracer? = nil,
                           counters makeCounters: () -> RepetitionCounters = { CounterReader() },
                           isInterrupted: () -> Bool = { Runner.interrupted },
                           onRepetition: ((Int) -> Void)? = nil) throws -> FlowResult {
        let instance: FlowInstance
        do {
            instance = try definition.instantiate(params, context: context)
        } catch let e as HMMBenchError where e.kind == .system || e.kind == .environment {
            throw FlowFailure(.setup, e)
        }
        defer { instance.tearDown() }
        let mode = options.counters
        var samples: [Double] = []
        var pagesDone: [Int] = []
        var counted: [Double] = []
        samples.reserveCapacity(options.repetitions)
        pagesDone.reserveCapacity(options.repetitions)
        counted.reserveCapacity(options.counted)
        // Opened and its buffers touched now: around each window it only
        // reads (see CounterReader).
        let counters = mode == .off ? nil : makeCounters()
        counters?.reserve(mode == .paired ? options.repetitions : options.counted)
        var stage = FailedFlow.Stage.prepare
        var stoppedCounting = false
        do {
            let paired = mode == .paired ? counters : nil
            // A flow with nothing to do between repetitions times them in
            // its own loop (C on the real driver), a chunk at a time, so
            // that none of this loop's code runs between two calls. Not
            // with a tracer or paired counters: they work around each one.
            let looped = tracer == nil && paired == nil ? instance as? RepetitionLoop : nil
            if let looped {
                stage = .prepare
                try looped.prepare()
                stage = .measure
                // The warm-up is the start of the first chunk's loop and
                // its samples are dropped: the first timed call follows a
                // warm-up call, as in a C loop, not the engine's code (with
                // the warm-up apart, the first call of every 2-repetition
                // block of `overhead` ran 3% slower: bench/README.md).
                var warmup = options.warmup
                let chunk = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: Self.loopChunk + warmup)
                defer { chunk.deallocate() }
                while samples.count < options.repetitions {
                    if isInterrupted() {
                        if samples.isEmpty { throw interruption }
                        break
                    }
                    let count = warmup + min(Self.loopChunk, options.repetitions - samples.count)
                    let part = UnsafeMutableBufferPointer(rebasing: chunk[0..<count])
                    let done = try looped.measureLoop(into: part, stop: isInterrupted)
                    for ns in part[min(warmup, done)..<done] {
                        samples.append(Double(ns))
                        pagesDone.append(looped.lastPagesDone ?? looped.pagesPerOp)
                    }
                    warmup = 0
                    onRepetition?(samples.count)
                    if done < part.count {
                        if samples.isEmpty { throw interruption }
                        break
                    }
                }
            } else {
                for _ in 0..<options.warmup {
                    if isInterrupted() { throw interruption }
                    stage = .prepare
                    try instance.prepare()
                    stage = .measure
                    _ = try instance.measure()
                }
                for _ in 0..<options.repetitions {
                    // Checked before each repetition, so the one under way when
                    // the signal came has finished and is kept.
                    if isInterrupted() {
                        if samples.isEmpty { throw interruption }
                        break
                    }
                    stage = .prepare
                    try instance.prepare()
                    tracer?.repetitionWillStart(samples.count)
                    // Between prepare() and the window nothing of the engine's
                    // runs; in paired mode (a diagnostic) only the counter read,
                    // no allocation, no Foundation. (A phase run's markers are
                    // written here: its times are not the headline ones.)
                    paired?.read(.before)
                    stage = .measure
                    let ns = try instance.measure()
                    paired?.read(.after)
                    tracer?.repetitionDidEnd(samples.count)
                    // After the window: parse, record, report.
                    paired?.record()
                    samples.append(Double(ns))
                    pagesDone.append(instance.lastPagesDone ?? instance.pagesPerOp)
                    onRepetition?(samples.count)
                }
            }
            // Counted repetitions: only after a full set of timed ones (a
            // Ctrl-C stops the flow, it does not start more work).
            if mode == .separate, let counters, samples.count == options.repetitions {
                for _ in 0..<options.counted {
                    if isInterrupted() { stoppedCounting = true; break }
                    stage = .prepare
                    try instance.prepare()
                    counters.read(.before)
                    stage = .measure
                    let ns = try instance.measure()
                    counters.read(.after)
                    counters.record()
                    counted.append(Double(ns))
                }
            }
        } catch let e as HMMBenchError where e.kind == .system || e.kind == .environment {
            throw FlowFailure(stage, e, samplesNs: samples)
        }
        let check: FlowCheck
        do {
            check = try instance.check()
        } catch let e as HMMBenchError where e.kind == .system || e.kind == .environment {
            throw FlowFailure(.check, e, samplesNs: samples)
        }
        guard check.passed else {
            throw FlowFailure(stage: .check, reason: "check failed: \(check.detail)", samplesNs: samples)
        }
        // pages_done is recorded only when some repetition did less than asked.
        let partial = pagesDone.contains { $0 != instance.pagesPerOp }
        var notes = instance.notes
        if samples.count < options.repetitions {
            notes.append(interruptionNote(finished: samples.count, of: options.repetitions))
            if mode == .separate { notes.append(countedNote(finished: 0, of: options.counted)) }
        } else if stoppedCounting {
            notes.append(countedNote(finished: counted.count, of: options.counted))
        }
        var result = FlowResult(flow: definition.name, params: params.values, backend: instance.backend,
                                deviceMemory: instance.deviceMemory, bytesPerOp: instance.bytesPerOp,
                                pagesPerOp: instance.pagesPerOp, warmup: options.warmup, samplesNs: samples,
                                pagesDone: partial ? pagesDone : nil,
                                counters: counters?.summaries() ?? [:], counterMode: mode,
                                countedSamplesNs: mode == .separate ? counted : nil, check: check, notes: notes)
        if let bw = context.copyBandwidthGiBps, bw > 0, instance.bytesPerOp > 0, !definition.providesCeiling {
            result.copyBandwidthRatio = result.throughput.gibPerS.median / bw
        }
        return result
    }

    /// The note of a result whose counted repetitions a Ctrl-C cut short.
    public static func countedNote(finished: Int, of planned: Int) -> String {
        "interrupted: counters from \(finished) of \(planned) counted repetitions"
    }

    /// What `run` throws when a signal came before any measured repetition finished.
    static let interruption = HMMBenchError(.interrupted, "interrupted")

    /// Repetitions a `RepetitionLoop` flow times per call: progress is
    /// reported and the flag checked by the engine between chunks.
    static let loopChunk = 256
}
