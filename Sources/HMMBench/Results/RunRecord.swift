/// One hmmbench run as written to disk: the environment it ran in and one
/// `FlowResult` per measured flow. Flat and documented field by field in
/// bench/SCHEMA.md; `schema_version` changes whenever a field's meaning does.
public struct RunRecord: Codable, Equatable, Sendable {
    /// The schema this build writes and reads.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var tool: String
    /// Suite name, or nil for single-flow runs.
    public var suite: String?
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String?
    /// False when the run stopped early (Ctrl-C, fatal error); `results`
    /// then holds what completed.
    public var complete: Bool
    /// Why the run is incomplete ("interrupted by SIGINT after 3 of 12 flows").
    public var incompleteReason: String?
    public var environment: RunEnvironment
    public var results: [FlowResult]
    /// Flows not run, with the reason (uapi lacks the operation, no device).
    public var skipped: [SkippedFlow]

    public init(suite: String?, startedAt: String, environment: RunEnvironment) {
        schemaVersion = Self.currentSchemaVersion
        tool = "hmmbench"
        self.suite = suite
        self.startedAt = startedAt
        complete = false
        self.environment = environment
        results = []
        skipped = []
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case tool, suite
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case complete
        case incompleteReason = "incomplete_reason"
        case environment, results, skipped
    }
}

/// A flow the run did not measure, and why.
public struct SkippedFlow: Codable, Equatable, Sendable {
    public var flow: String
    public var params: [String: String]
    public var reason: String

    public init(flow: String, params: [String: String], reason: String) {
        self.flow = flow
        self.params = params
        self.reason = reason
    }
}

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
    /// Every measured repetition, nanoseconds, in run order.
    public var samplesNs: [UInt64]
    /// Summary of `samplesNs`.
    public var stats: SampleStats
    /// Throughput derived from the per-sample times.
    public var throughput: Throughput
    /// Counter deltas per repetition (vmstat, interrupts), by name.
    public var counters: [String: CounterSummary]
    /// Whether the kernel did what was asked (pages where they should be).
    public var check: FlowCheck
    /// Throughput over the CPU copy bandwidth measured in the same run.
    public var copyBandwidthRatio: Double?
    /// Flow-specific derived numbers ("ratio_fault_then_migrate": 1.4).
    public var derived: [String: Double]
    /// Anything a reader must know to interpret the numbers.
    public var notes: [String]

    public init(flow: String, params: [String: String], backend: BackendKind = .simulated, deviceMemory: DeviceMemoryKind? = nil,
                bytesPerOp: Int, pagesPerOp: Int, warmup: Int, samplesNs: [UInt64],
                counters: [String: CounterSummary] = [:], check: FlowCheck = FlowCheck(passed: true, detail: ""),
                copyBandwidthRatio: Double? = nil, derived: [String: Double] = [:], notes: [String] = []) {
        self.flow = flow
        self.params = params
        self.backend = backend
        self.deviceMemory = deviceMemory
        self.bytesPerOp = bytesPerOp
        self.pagesPerOp = pagesPerOp
        self.warmup = warmup
        self.samplesNs = samplesNs
        self.stats = Statistics.summarize(samplesNs.map { Double($0) })
        self.throughput = Throughput(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp)
        self.counters = counters
        self.check = check
        self.copyBandwidthRatio = copyBandwidthRatio
        self.derived = derived
        self.notes = notes
    }

    /// The key results are matched on across runs: flow and sorted params.
    public var matchKey: String {
        flow + " " + params.keyValueText
    }

    enum CodingKeys: String, CodingKey {
        case flow, params, backend
        case deviceMemory = "device_memory"
        case bytesPerOp = "bytes_per_op"
        case pagesPerOp = "pages_per_op"
        case warmup
        case samplesNs = "samples_ns"
        case stats, throughput, counters, check
        case copyBandwidthRatio = "copy_bandwidth_ratio"
        case derived, notes
    }
}

/// Summary statistics of a sample (nanoseconds for times).
public struct SampleStats: Codable, Equatable, Sendable {
    public var n: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    public var median: Double
    /// Sample standard deviation (n - 1 denominator); 0 for n < 2.
    public var stddev: Double
    /// stddev / mean; 0 when the mean is 0.
    public var cv: Double
    /// Percentiles, linear interpolation between order statistics (the
    /// definition numpy.percentile uses by default).
    public var p90: Double
    public var p99: Double
    /// 95% confidence interval of the mean (Student's t, n - 1 d.o.f.);
    /// equal to the mean for n < 2.
    public var ci95Low: Double
    public var ci95High: Double

    public init(n: Int, min: Double, max: Double, mean: Double, median: Double, stddev: Double, cv: Double,
                p90: Double, p99: Double, ci95Low: Double, ci95High: Double) {
        self.n = n
        self.min = min
        self.max = max
        self.mean = mean
        self.median = median
        self.stddev = stddev
        self.cv = cv
        self.p90 = p90
        self.p99 = p99
        self.ci95Low = ci95Low
        self.ci95High = ci95High
    }

    enum CodingKeys: String, CodingKey {
        case n, min, max, mean, median, stddev, cv, p90, p99
        case ci95Low = "ci95_low"
        case ci95High = "ci95_high"
    }
}

/// Throughput of a flow: binary GiB per second and pages per second,
/// summarised over the per-sample rates.
public struct Throughput: Codable, Equatable, Sendable {
    /// Statistics of bytesPerOp / sample time, in GiB/s (2^30 bytes).
    public var gibPerS: SampleStats
    /// Statistics of pagesPerOp / sample time.
    public var pagesPerS: SampleStats

    public init(samplesNs: [UInt64], bytesPerOp: Int, pagesPerOp: Int) {
        gibPerS = Statistics.summarize(Self.perSecond(samplesNs, Double(bytesPerOp) / 1_073_741_824))
        pagesPerS = Statistics.summarize(Self.perSecond(samplesNs, Double(pagesPerOp)))
    }

    /// `amount` per second for each sample (a zero-ns sample counts as 1 ns).
    public static func perSecond(_ samplesNs: [UInt64], _ amount: Double) -> [Double] {
        samplesNs.map { amount / (Swift.max(Double($0), 1) / 1e9) }
    }

    enum CodingKeys: String, CodingKey {
        case gibPerS = "gib_per_s"
        case pagesPerS = "pages_per_s"
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
