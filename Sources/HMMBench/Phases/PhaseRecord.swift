/// The phases of one result (`FlowResult.phases`, written by `run
/// --phases`): the flow's kernel time split into its phase functions by a
/// second, traced run of the same flow in the same boot. The headline
/// numbers of the result always come from the untraced run; this record
/// says how much the tracing slowed the flow (`slowdown`) and flags it
/// `distorted` above 10%. Documented in bench/SCHEMA.md ("PhaseRecord").
public struct PhaseRecord: Codable, Equatable, Sendable {
    /// Why the phases were not measured (no tracefs, simulated backend, the
    /// flow names no phases, none of its functions is traceable); when set,
    /// the other fields are empty, except `missing` when the skip is that
    /// no phase function is traceable.
    public var skipped: String?
    /// "function_graph".
    public var tracer: String
    /// The phases traced, each with the kernel functions that stand for it.
    public var phases: [PhaseResolution.Phase]
    /// Phases of the flow that this kernel has no traceable function for.
    public var missing: [String]
    /// One entry per repetition of the traced run, in run order.
    public var repetitions: [PhaseRepetition]
    /// The function profiler's per-CPU rows over the traced run, when the
    /// kernel could run it beside function_graph.
    public var profile: [ProfileRow]?
    /// Median ns per sample of the untraced run (the headline) and of the
    /// traced run, and their ratio.
    public var headlineMedianNs: Double?
    public var tracedMedianNs: Double?
    public var slowdown: Double?
    /// `slowdown` above `distortionLimit`.
    public var distorted: Bool
    /// Counter deltas of the traced run's repetitions (vmstat, interrupts),
    /// so a phase's modes can be matched with a counter.
    public var counters: [String: CounterSummary]
    /// The ring buffer lost events: some repetitions lack calls.
    public var lostEvents: Bool
    /// Phase -> the phase it was called from in the trace (lru_cache_disable
    /// -> move_pages): what `compare` needs to name the narrowest phase
    /// that changed. Nil in records written before it was kept.
    public var nesting: [String: String]?
    public var notes: [String]

    /// Above this slowdown the phase split is flagged as distorted.
    public static let distortionLimit = 1.10

    public init(skipped: String, missing: [String] = []) {
        self.skipped = skipped
        tracer = ""
        phases = []
        self.missing = missing
        repetitions = []
        distorted = false
        counters = [:]
        lostEvents = false
        notes = []
    }

    public init(tracer: String = "function_graph", resolution: PhaseResolution, repetitions: [PhaseRepetition],
                profile: [ProfileRow]?, headlineMedianNs: Double, tracedMedianNs: Double,
                counters: [String: CounterSummary], lostEvents: Bool, nesting: [String: String]? = nil, notes: [String]) {
        skipped = nil
        self.tracer = tracer
        phases = resolution.phases
        missing = resolution.missing
        self.repetitions = repetitions
        self.profile = profile
        self.headlineMedianNs = headlineMedianNs
        self.tracedMedianNs = tracedMedianNs
        let ratio = headlineMedianNs > 0 ? tracedMedianNs / headlineMedianNs : nil
        slowdown = ratio
        distorted = (ratio ?? 0) > Self.distortionLimit
        self.counters = counters
        self.lostEvents = lostEvents
        self.nesting = nesting
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case skipped, tracer, phases, missing, repetitions, profile
        case headlineMedianNs = "headline_median_ns"
        case tracedMedianNs = "traced_median_ns"
        case slowdown, distorted, counters
        case lostEvents = "lost_events"
        case nesting, notes
    }
}

/// One repetition of the traced run: its time, each phase's time and calls,
/// and what no phase accounts for.
public struct PhaseRepetition: Codable, Equatable, Sendable {
    /// The repetition's whole timed window, ns (a sample times
    /// `ops_per_sample` operations).
    public var timeNs: Double
    /// Phase name -> summed time and calls (phases that ran; a phase with
    /// no call in this repetition is absent).
    public var phases: [String: PhaseTime]
    /// `timeNs` less the outermost traced calls on the measuring CPU: the
    /// user/kernel crossings and the kernel work outside every phase.
    public var unattributedNs: Double

    public init(timeNs: Double, phases: [String: PhaseTime], unattributedNs: Double) {
        self.timeNs = timeNs
        self.phases = phases
        self.unattributedNs = unattributedNs
    }

    /// A repetition of `timeNs` from its bracket in the trace (nil: the
    /// trace had no closed bracket for it, so nothing was attributed).
    public init(timeNs: Double, graph: GraphRepetition?) {
        self.init(timeNs: timeNs, phases: graph?.phases ?? [:], unattributedNs: timeNs - (graph?.outermostNs ?? 0))
    }

    enum CodingKeys: String, CodingKey {
        case timeNs = "time_ns"
        case phases
        case unattributedNs = "unattributed_ns"
    }
}
