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
    /// CPU copy bandwidth measured in this run (GiB/s), once known.
    public var copyBandwidthGiBps: Double?
    /// CPU the measuring thread is pinned to.
    public let pinnedCPU: Int?

    public init(mirror: MirrorBackend, migrator: NodeMigrator, pinnedCPU: Int? = nil) {
        self.mirror = mirror
        self.migrator = migrator
        self.pinnedCPU = pinnedCPU
    }
}

/// A flow that cannot run here, and why (not an error: the run goes on).
public struct FlowSkip: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A kind of measurement: its name, parameters and how to build one
/// instance from parameter values. One type a file in Flows/.
public protocol FlowDefinition: Sendable {
    /// Name as used on the command line ("migrate-to-dev").
    var name: String { get }
    /// One line for `hmmbench list`.
    var summary: String { get }
    /// What is timed, in a sentence or two (for `hmmbench list --verbose`).
    var details: String { get }
    var parameters: [FlowParameter] { get }
    /// Validates `params` (already completed with defaults) and prepares an
    /// instance. Throws `HMMBenchError` for bad values and `FlowSkip` when
    /// this box or uapi cannot run it.
    func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance
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
    /// Untimed, after the last repetition: did the kernel do what was asked?
    func check() throws -> FlowCheck
    /// Releases memory and devices.
    func tearDown()
}

extension FlowInstance {
    public var notes: [String] { [] }
    public func tearDown() {}
}
