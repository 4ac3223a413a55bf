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
        flowMatchKey(flow, params)
    }

    enum CodingKeys: String, CodingKey {
        case flow, params, stage, reason, errno
        case errnoName = "errno_name"
        case samplesNs = "samples_ns"
    }
}
