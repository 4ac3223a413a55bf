/// The measurements of one flow with one set of parameters.
public struct FlowResult: Codable, Equatable, Sendable {
    /// Flow name as `hmmbench list` shows it ("migrate-to-dev").
    public var flow: String
    /// Every parameter that shaped the measurement, as strings
    /// ("size": "2M", "mapping": "anon", "device": "0"). Results match
    /// across runs on `flow` + `params`.
    public var params: [String: String]
    /// Who produced these numbers. Usually `environment.backend`; differs
    /// when NUMA flows ran on the simulated topology of a one-node box
    /// while the mirror flows used the real driver.
    public var backend: BackendKind
    /// "private" or "coherent" for dmirror flows, nil otherwise.
    public var deviceMemory: DeviceMemoryKind?
    /// Bytes and pages one timed operation covers.
    public var bytesPerOp: Int
    public var pagesPerOp: Int
    /// Repetitions run before measuring and thrown away.
    public var warmup: Int
    /// Every measured repetition, nanoseconds per operation, in run order.
    /// A float: a sample that timed `opsPerSample` operations is divided
    /// by it, keeping sub-nanosecond resolution for short operations.
    public var samplesNs: [Double]
    /// Operations timed together in one sample (1 unless the flow's
    /// operation is too short to time alone).
    public var opsPerSample: Int
    /// Pages the kernel actually processed in each measured repetition,
    /// when that can be fewer than `pagesPerOp` (a move that leaves pages
    /// behind). Throughput then counts only these. Nil: always `pagesPerOp`.
    public var pagesDone: [Int]?
    /// Summary of `samplesNs`.
    public var stats: SampleStats
    /// Throughput derived from the per-sample times.
    public var throughput: Throughput
    /// Counter deltas per repetition (vmstat, interrupts), by name: of
    /// the counted repetitions in `.separate` mode, of the timed ones in
    /// `.paired` mode, none in `.off` mode.
    public var counters: [String: CounterSummary]
    /// How the counters were read. Files from before the field (schema
    /// version 1 and 2) read them around every timed repetition: `.paired`.
    public var counterMode: CounterMode
    /// `.separate` mode: the times of the counted repetitions, in order
    /// (one per entry of each counter's `perRepetition`); never part of
    /// `stats`. Nil in the other modes.
    public var countedSamplesNs: [Double]?
    /// Whether the kernel did what was asked (pages where they should be).
    public var check: FlowCheck
    /// Throughput over the CPU copy bandwidth measured in the same run.
    public var copyBandwidthRatio: Double?
    /// Flow-specific derived numbers ("ratio_fault_then_migrate": 1.4).
    public var derived: [String: Double]
    /// Anything a reader must know to interpret the numbers.
    public var notes: [String]
    /// The flow's kernel time split into phases (`run --phases` only).
    public var phases: PhaseRecord?

    public init(flow: String, params: [String: String], backend: BackendKind = .simulated, deviceMemory: DeviceMemoryKind? = nil,
                bytesPerOp: Int, pagesPerOp: Int, warmup: Int, samplesNs: [Double], opsPerSample: Int = 1,
                pagesDone: [Int]? = nil,
                counters: [String: CounterSummary] = [:], counterMode: CounterMode = .paired,
                countedSamplesNs: [Double]? = nil, check: FlowCheck = FlowCheck(passed: true, detail: ""),
                copyBandwidthRatio: Double? = nil, derived: [String: Double] = [:], notes: [String] = []) {
        self.flow = flow
        self.params = params
        self.backend = backend
        self.deviceMemory = deviceMemory
        self.bytesPerOp = bytesPerOp
        self.pagesPerOp = pagesPerOp
        self.warmup = warmup
        self.samplesNs = samplesNs
        self.opsPerSample = opsPerSample
        self.pagesDone = pagesDone
        (self.stats, self.throughput) = Self.summaries(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp,
                                                       pagesDone: pagesDone)
        self.counters = counters
        self.counterMode = counterMode
        self.countedSamplesNs = countedSamplesNs
        self.check = check
        self.copyBandwidthRatio = copyBandwidthRatio
        self.derived = derived
        self.notes = notes
    }

    /// The key results are matched on across runs: flow and sorted params.
    public var matchKey: String {
        flowMatchKey(flow, params)
    }

    /// `stats` and `throughput` of these samples: the one place a result's
    /// summaries are computed (by `Statistics.summarize`). Every report,
    /// comparison and plot reads them from the result.
    public static func summaries(samplesNs: [Double], bytesPerOp: Int, pagesPerOp: Int,
                                 pagesDone: [Int]?) -> (SampleStats, Throughput) {
        (Statistics.summarize(samplesNs),
         Throughput(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp, pagesDone: pagesDone))
    }

    /// Recomputes `stats` and `throughput` from the samples (see
    /// `summaries`); the reader does this for every result it loads.
    public mutating func resummarize() {
        (stats, throughput) = Self.summaries(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp,
                                             pagesDone: pagesDone)
    }

    enum CodingKeys: String, CodingKey {
        case flow, params, backend
        case deviceMemory = "device_memory"
        case bytesPerOp = "bytes_per_op"
        case pagesPerOp = "pages_per_op"
        case warmup
        case samplesNs = "samples_ns"
        case opsPerSample = "ops_per_sample"
        case pagesDone = "pages_done"
        case stats, throughput, counters, check
        case counterMode = "counter_mode"
        case countedSamplesNs = "counted_samples_ns"
        case copyBandwidthRatio = "copy_bandwidth_ratio"
        case derived, notes, phases
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        flow = try c.decode(String.self, forKey: .flow)
        params = try c.decode([String: String].self, forKey: .params)
        backend = try c.decode(BackendKind.self, forKey: .backend)
        deviceMemory = try c.decodeIfPresent(DeviceMemoryKind.self, forKey: .deviceMemory)
        bytesPerOp = try c.decode(Int.self, forKey: .bytesPerOp)
        pagesPerOp = try c.decode(Int.self, forKey: .pagesPerOp)
        warmup = try c.decode(Int.self, forKey: .warmup)
        samplesNs = try c.decode([Double].self, forKey: .samplesNs)
        // Absent in version 1 files, which timed one operation per sample.
        opsPerSample = try c.decodeIfPresent(Int.self, forKey: .opsPerSample) ?? 1
        pagesDone = try c.decodeIfPresent([Int].self, forKey: .pagesDone)
        stats = try c.decode(SampleStats.self, forKey: .stats)
        throughput = try c.decode(Throughput.self, forKey: .throughput)
        counters = try c.decode([String: CounterSummary].self, forKey: .counters)
        // Absent before schema version 3: the engine read the counters
        // around every timed repetition.
        counterMode = try c.decodeIfPresent(CounterMode.self, forKey: .counterMode) ?? .paired
        countedSamplesNs = try c.decodeIfPresent([Double].self, forKey: .countedSamplesNs)
        check = try c.decode(FlowCheck.self, forKey: .check)
        copyBandwidthRatio = try c.decodeIfPresent(Double.self, forKey: .copyBandwidthRatio)
        derived = try c.decode([String: Double].self, forKey: .derived)
        notes = try c.decode([String].self, forKey: .notes)
        phases = try c.decodeIfPresent(PhaseRecord.self, forKey: .phases)
    }
}

/// A counter's change over the measured repetitions.
public struct CounterSummary: Codable, Equatable, Sendable {
    /// Where it comes from: "vmstat" or "interrupts".
    public var source: String
    /// Delta of each measured repetition, in run order.
    public var perRepetition: [Int64]
    /// Mean delta per repetition.
    public var mean: Double

    public init(source: String, perRepetition: [Int64]) {
        self.source = source
        self.perRepetition = perRepetition
        mean = perRepetition.isEmpty ? 0 : Double(perRepetition.reduce(0, +)) / Double(perRepetition.count)
    }

    enum CodingKeys: String, CodingKey {
        case source
        case perRepetition = "per_repetition"
        case mean
    }
}

/// The verification a flow does after measuring, outside the timed window.
public struct FlowCheck: Codable, Equatable, Sendable {
    public var passed: Bool
    public var detail: String

    public init(passed: Bool, detail: String) {
        self.passed = passed
        self.detail = detail
    }
}
