/// One hmmbench run as written to disk: the environment it ran in and one
/// `FlowResult` per measured flow. Flat and documented field by field in
/// bench/SCHEMA.md; `schema_version` changes whenever a field's meaning does.
public struct RunRecord: Codable, Equatable, Sendable {
    /// The schema this build writes. Version 2 added `failed`, float
    /// `samples_ns`, `ops_per_sample` and `pages_done`; version 3
    /// `counter_mode` and `counted_samples_ns` (counters by default come
    /// from separate counted repetitions, no longer one per sample).
    public static let currentSchemaVersion = 3
    /// Every schema this build reads (version 1 files are converted on
    /// reading: see `RunReader`).
    public static let readableSchemaVersions = 1...3

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
