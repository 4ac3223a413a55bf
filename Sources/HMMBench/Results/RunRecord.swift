/// One hmmbench run as written to disk: the environment it ran in and one
/// `FlowResult` per measured flow. Flat and documented field by field in
/// bench/SCHEMA.md; `schema_version` changes whenever a field's meaning does.
public struct RunRecord: Codable, Equatable, Sendable {
    /// The schema this build writes. Version 2 added `failed`, float
    /// `samples_ns`, `ops_per_sample` and `pages_done`.
    public static let currentSchemaVersion = 2
    /// Every schema this build reads (version 1 files are converted on
    /// reading: see `RunReader`).
    public static let readableSchemaVersions = 1...2

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
    /// Flows not run, with the reason: what this box or kernel lacks
    /// (uapi lacks the operation, no device, one NUMA node).
    public var skipped: [SkippedFlow]
    /// Planned measurements that failed: a kernel call erred, the
    /// post-check failed, memory could not be had. Never mixed with
    /// `skipped`: a failure makes `run` exit 4.
    public var failed: [FailedFlow]

    public init(suite: String?, startedAt: String, environment: RunEnvironment) {
        schemaVersion = Self.currentSchemaVersion
        tool = "hmmbench"
        self.suite = suite
        self.startedAt = startedAt
        complete = false
        self.environment = environment
        results = []
        skipped = []
        failed = []
    }

    /// Results, failures and skips: every planned measurement ends as
    /// exactly one of them.
    public var outcomeCount: Int { results.count + failed.count + skipped.count }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case tool, suite
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case complete
        case incompleteReason = "incomplete_reason"
        case environment, results, skipped, failed
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        tool = try c.decode(String.self, forKey: .tool)
        suite = try c.decodeIfPresent(String.self, forKey: .suite)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        finishedAt = try c.decodeIfPresent(String.self, forKey: .finishedAt)
        complete = try c.decode(Bool.self, forKey: .complete)
        incompleteReason = try c.decodeIfPresent(String.self, forKey: .incompleteReason)
        environment = try c.decode(RunEnvironment.self, forKey: .environment)
        results = try c.decode([FlowResult].self, forKey: .results)
        skipped = try c.decode([SkippedFlow].self, forKey: .skipped)
        // Version 1 had no `failed`: its failures were recorded as skips
        // whose reason starts with "failed: " (RunReader converts them).
        failed = schemaVersion >= 2 ? try c.decode([FailedFlow].self, forKey: .failed)
                                    : try c.decodeIfPresent([FailedFlow].self, forKey: .failed) ?? []
    }
}

/// A planned measurement that failed, and how: the kernel call and errno,
/// the check that did not pass, or the memory that could not be had.
public struct FailedFlow: Codable, Equatable, Sendable {
    /// At which point of the measurement the failure happened.
    public enum Stage: String, Codable, Sendable {
        /// Before the first repetition: memory budget, mapping, device open.
        case setup
        /// Bringing memory to its start state (untimed), including placement.
        case prepare
        /// Inside a timed repetition (warmup or measured).
        case measure
        /// The post-measurement check: the kernel did not do what was asked.
        case check
    }

    public var flow: String
    public var params: [String: String]
    public var stage: Stage
    /// One line: what failed ("ioctl MIGRATE_TO_DEV: EFAULT (Bad address)").
    public var reason: String
    /// The errno the kernel returned, when a call failed.
    public var errno: Int32?
    /// Its symbolic name ("EFAULT"), for readers that do not know errno values.
    public var errnoName: String?
    /// Measured repetitions that finished before the failure (ns per op);
    /// kept for diagnosis, never reported as a result.
    public var samplesNs: [Double]

    public init(flow: String, params: [String: String], stage: Stage, reason: String, errno: Int32? = nil,
                samplesNs: [Double] = []) {
        self.flow = flow
        self.params = params
        self.stage = stage
        self.reason = reason
        self.errno = errno
        self.errnoName = errno.map(Errno.name)
        self.samplesNs = samplesNs
    }

    /// The key results are matched on across runs: flow and sorted params.
    public var matchKey: String {
        flow + " " + params.keyValueText
    }

    enum CodingKeys: String, CodingKey {
        case flow, params, stage, reason, errno
        case errnoName = "errno_name"
        case samplesNs = "samples_ns"
    }
}

/// A flow the run did not measure, and why.
public struct SkippedFlow: Codable, Equatable, Sendable {
    public var flow: String
    public var params: [String: String]
    public var reason: String

    /// The key results are matched on across runs: flow and sorted params.
    public var matchKey: String {
        flow + " " + params.keyValueText
    }

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
                bytesPerOp: Int, pagesPerOp: Int, warmup: Int, samplesNs: [Double], opsPerSample: Int = 1,
                pagesDone: [Int]? = nil,
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
        self.opsPerSample = opsPerSample
        self.pagesDone = pagesDone
        self.stats = Statistics.summarize(samplesNs)
        self.throughput = Throughput(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp,
                                     pagesDone: pagesDone)
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
        case opsPerSample = "ops_per_sample"
        case pagesDone = "pages_done"
        case stats, throughput, counters, check
        case copyBandwidthRatio = "copy_bandwidth_ratio"
        case derived, notes
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
        check = try c.decode(FlowCheck.self, forKey: .check)
        copyBandwidthRatio = try c.decodeIfPresent(Double.self, forKey: .copyBandwidthRatio)
        derived = try c.decode([String: Double].self, forKey: .derived)
        notes = try c.decode([String].self, forKey: .notes)
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

    /// Summaries of the per-sample rates (see `rates`).
    public init(samplesNs: [Double], bytesPerOp: Int, pagesPerOp: Int, pagesDone: [Int]? = nil) {
        let r = Self.rates(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp, pagesDone: pagesDone)
        gibPerS = Statistics.summarize(r.gibPerS)
        pagesPerS = Statistics.summarize(r.pagesPerS)
    }

    /// GiB/s and pages/s of each sample. With `pagesDone` (one entry per
    /// sample), a sample's work is its pages done, and its bytes those
    /// pages times `bytesPerOp / pagesPerOp`: only work the kernel did
    /// counts.
    public static func rates(samplesNs: [Double], bytesPerOp: Int, pagesPerOp: Int,
                             pagesDone: [Int]?) -> (gibPerS: [Double], pagesPerS: [Double]) {
        guard let done = pagesDone, done.count == samplesNs.count, pagesPerOp > 0 else {
            return (perSecond(samplesNs, Double(bytesPerOp) / 1_073_741_824), perSecond(samplesNs, Double(pagesPerOp)))
        }
        let gibPerPage = Double(bytesPerOp) / Double(pagesPerOp) / 1_073_741_824
        let seconds = samplesNs.map { Swift.max($0, 1) / 1e9 }
        return (zip(done, seconds).map { Double($0) * gibPerPage / $1 }, zip(done, seconds).map { Double($0) / $1 })
    }

    /// `amount` per second for each sample (a sample under 1 ns counts as 1 ns).
    public static func perSecond(_ samplesNs: [Double], _ amount: Double) -> [Double] {
        samplesNs.map { amount / (Swift.max($0, 1) / 1e9) }
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
