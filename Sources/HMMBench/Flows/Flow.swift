/// One parameter a flow takes, as `hmmbench list` shows it.
public struct FlowParameter: Sendable {
    public var name: String
    public var defaultValue: String
    /// Allowed values, or empty for free-form (sizes, counts).
    public var choices: [String]
    public var help: String

    public init(_ name: String, _ defaultValue: String, choices: [String] = [], _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.choices = choices
        self.help = help
    }
}

/// What a flow needs to run: the backends and facts measured earlier in
/// the same run.
public final class FlowContext {
    public let mirror: MirrorBackend
    public let migrator: NodeMigrator
    /// The run's ceiling (GiB/s), once the flow that provides it
    /// (`FlowDefinition.providesCeiling`, today copy-bandwidth) has a result:
    /// every later result's median throughput is divided by it.
    public var copyBandwidthGiBps: Double?
    /// CPU the measuring thread is pinned to.
    public let pinnedCPU: Int?

    public init(mirror: MirrorBackend, migrator: NodeMigrator, pinnedCPU: Int? = nil) {
        self.mirror = mirror
        self.migrator = migrator
        self.pinnedCPU = pinnedCPU
    }
}

/// A flow that cannot run here because the box or kernel lacks something
/// (a device, an operation, a second NUMA node), and why. Never for an
/// error: a kernel call that fails is a `FlowFailure`.
public struct FlowSkip: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A measurement that failed: where (`stage`), why (one line, with the
/// errno when a kernel call failed) and the repetitions that finished
/// first. The run records it in `failed` and exits 4.
public struct FlowFailure: Error, Sendable, CustomStringConvertible {
    public var stage: FailedFlow.Stage
    public var reason: String
    public var errno: Int32?
    public var samplesNs: [Double]

    public init(stage: FailedFlow.Stage, reason: String, errno: Int32? = nil, samplesNs: [Double] = []) {
        self.stage = stage
        self.reason = reason
        self.errno = errno
        self.samplesNs = samplesNs
    }

    /// A failure from a system or environment error.
    public init(_ stage: FailedFlow.Stage, _ error: HMMBenchError, samplesNs: [Double] = []) {
        self.init(stage: stage, reason: error.description, errno: error.errno, samplesNs: samplesNs)
    }

    public var description: String { "\(stage.rawValue): \(reason)" }

    /// The record of this failure for `flow` with `params`.
    public func record(flow: String, params: [String: String]) -> FailedFlow {
        FailedFlow(flow: flow, params: params, stage: stage, reason: reason, errno: errno, samplesNs: samplesNs)
    }
}

/// A kind of measurement: its name, parameters and how to build one
/// instance from parameter values. One type a file in Flows/.
public protocol FlowDefinition: Sendable {
    /// Name as used on the command line ("migrate-to-dev").
    var name: String { get }
    /// One line for `hmmbench list`.
    var summary: String { get }
    /// What is timed, in a sentence or two (`hmmbench list` prints it
    /// under the summary).
    var details: String { get }
    var parameters: [FlowParameter] { get }
    /// Validates `params` (already completed with defaults) and prepares an
    /// instance. Throws `HMMBenchError` for bad values and `FlowSkip` when
    /// this box or uapi cannot run it.
    func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance
    /// The memory an instance with `params` holds at its peak (checked
    /// against MemAvailable before the run maps anything).
    func memoryNeed(_ params: FlowParameters) -> MemoryNeed

    // What a flow gives the rest of the run. The engine asks these; it
    // never names a flow (docs/ARCHITECTURE.md, "Add a flow").

    /// Whether this flow's median GiB/s is the run's ceiling: it runs
    /// before every other entry, and every later result with bytes to
    /// move gets `copy_bandwidth_ratio` = its median GiB/s over this one.
    /// Default false.
    var providesCeiling: Bool { get }
    /// Whether an instance opens a dmirror device. Opening one leaves this
    /// process's mm with mmu-notifier subscriptions until it exits, whose
    /// hooks every later page migration passes (KernelBackend
    /// .hasOpenedDevice), so a run puts the flows that open none first.
    /// Default true.
    var opensDevice: Bool { get }
    /// Warm-up repetitions this flow needs whatever `--warmup` says (the
    /// run uses the larger). Default 0.
    var minimumWarmup: Int { get }
    /// Numbers computed over the finished results of the run (a ratio
    /// between two flows, say): sets entries of `derived` on this flow's
    /// own results in `results`. Called before each write of the run's
    /// file and at its end, so it must give the same answer when called
    /// again. Default: nothing.
    func derive(_ results: inout [FlowResult])
    /// The phase-level kernel functions of an instance with `params`
    /// (`run --phases` splits its kernel time into these). Default: none.
    func phases(_ params: FlowParameters) -> [PhaseSpec]
}

extension FlowDefinition {
    /// Default: the range and a buffer of the same size.
    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed {
        MemoryNeed.times(2, params, what: "the range and a buffer of the same size")
    }

    public var providesCeiling: Bool { false }
    public var opensDevice: Bool { true }
    public var minimumWarmup: Int { 0 }
    public func derive(_ results: inout [FlowResult]) {}
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { [] }
}

/// One flow with fixed parameters, ready to repeat.
public protocol FlowInstance: AnyObject {
    /// Bytes and pages one timed operation covers.
    var bytesPerOp: Int { get }
    var pagesPerOp: Int { get }
    /// Which backend produced the numbers (NUMA flows may be simulated).
    var backend: BackendKind { get }
    var deviceMemory: DeviceMemoryKind? { get }
    /// Notes for the reader, e.g. "includes the driver's copy back to ptr".
    var notes: [String] { get }
    /// Untimed: bring the memory to the state the measured body starts from.
    func prepare() throws
    /// The measured body: does the kernel work and returns the nanoseconds
    /// of exactly that work (set-up and checks stay outside).
    func measure() throws -> UInt64
    /// Untimed, read after each `measure()`: the pages the kernel actually
    /// processed, when that can be fewer than `pagesPerOp` (a move that
    /// left pages behind). Nil: all `pagesPerOp`.
    var lastPagesDone: Int? { get }
    /// Untimed, after the last repetition: did the kernel do what was asked?
    func check() throws -> FlowCheck
    /// Releases memory and devices.
    func tearDown()
}

extension FlowInstance {
    public var notes: [String] { [] }
    public var lastPagesDone: Int? { nil }
    public func tearDown() {}
}
