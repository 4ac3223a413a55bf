/// One run as reported without a baseline: its header, the loud lines,
/// one row of numbers per result, and a row per failed or skipped entry.
public struct RunReport: Codable, Equatable, Sendable {
    public var run: RunHeader
    /// Simulated, TCG and incomplete markers, printed first.
    public var banners: [String]
    public var results: [ReportedResult]
    /// Every failure, then every skip, with its reason.
    public var outcomes: [OutcomeEntry]

    public init(_ loaded: LoadedRun) {
        run = RunHeader(label: "A", run: loaded)
        banners = run.alerts
        results = loaded.record.results.map(ReportedResult.init)
        outcomes = OutcomeEntry.all(of: loaded, label: "A")
    }

    /// The failures among `outcomes`.
    public var failed: [OutcomeEntry] { outcomes.filter { $0.kind == .failed } }
    /// The skips among `outcomes`.
    public var skipped: [OutcomeEntry] { outcomes.filter { $0.kind == .skipped } }
}

/// The numbers of one result a report shows.
public struct ReportedResult: Codable, Equatable, Sendable {
    public var key: String
    public var flow: String
    public var params: [String: String]
    public var backend: BackendKind
    public var deviceMemory: DeviceMemoryKind?
    public var bytesPerOp: Int
    /// Time per operation, nanoseconds; spread and CI nil for n < 2.
    public var time: ReportedStats
    /// GiB/s per operation (binary GiB); spread and CI nil for n < 2.
    public var gibPerS: ReportedStats
    public var pagesPerSMean: Double
    public var copyBandwidthRatio: Double?
    public var checkPassed: Bool
    public var checkDetail: String
    /// Mean per repetition of the counters reviewers ask about
    /// (pgmigrate_*, thp_migration_*, TLB shootdowns), by record name.
    public var notableCounters: [String: Double]
    public var derived: [String: Double]
    public var notes: [String]
    /// The samples' two modes, when they fall into two groups (Modes).
    public var modes: ReportedModes?

    public init(_ r: FlowResult) {
        key = r.matchKey
        flow = r.flow
        params = r.params
        backend = r.backend
        deviceMemory = r.deviceMemory
        bytesPerOp = r.bytesPerOp
        // The result's own summaries (recomputed from the samples when
        // the file was read: RunReader).
        time = ReportedStats(r.stats)
        gibPerS = ReportedStats(r.throughput.gibPerS)
        pagesPerSMean = r.throughput.pagesPerS.mean
        copyBandwidthRatio = r.copyBandwidthRatio
        checkPassed = r.check.passed
        checkDetail = r.check.detail
        var counters: [String: Double] = [:]
        for c in NotableCounters.means(r) { counters[c.name] = c.mean }
        notableCounters = counters
        derived = r.derived
        notes = r.notes
        modes = ReportedModes(r)
    }

    enum CodingKeys: String, CodingKey {
        case key, flow, params, backend
        case deviceMemory = "device_memory"
        case bytesPerOp = "bytes_per_op"
        case time
        case gibPerS = "gib_per_s"
        case pagesPerSMean = "pages_per_s_mean"
        case copyBandwidthRatio = "copy_bandwidth_ratio"
        case checkPassed = "check_passed"
        case checkDetail = "check_detail"
        case notableCounters = "notable_counters"
        case derived, notes, modes
    }

    /// Notable counters in display order with their short names.
    public var notableInOrder: [(short: String, mean: Double)] {
        NotableCounters.all.compactMap { c in notableCounters[c.name].map { (c.short, $0) } }
    }
}
