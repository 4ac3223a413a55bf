/// The CPU the measuring thread runs on, and why that one: given with
/// `--cpu`, or by default the lowest-numbered CPU this process may use on
/// the NUMA node that holds the measured memory, so that the thread never
/// migrates between repetitions and its memory is local.
public struct MeasuringCPU: Codable, Equatable, Sendable {
    public var cpu: Int
    public var reason: String

    public init(cpu: Int, reason: String) {
        self.cpu = cpu
        self.reason = reason
    }

    /// `explicit` when given (checked by the pinning itself), else the
    /// default above: `node`'s CPUs in `topology`, restricted to
    /// `allowed`; the lowest allowed CPU when the node has none; nil when
    /// nothing is allowed.
    public static func choose(explicit: Int?, node: Int = 0, topology: NUMATopology?,
                              allowed: [Int] = CPUSet.atStart) -> MeasuringCPU? {
        if let explicit { return MeasuringCPU(cpu: explicit, reason: "--cpu \(explicit)") }
        let onNode = topology?.node(node)?.cpus.filter { allowed.contains($0) }.sorted() ?? []
        if let c = onNode.first {
            return MeasuringCPU(cpu: c, reason: "default: lowest allowed CPU of node \(node), which holds the memory")
        }
        guard let c = allowed.min() else { return nil }
        return MeasuringCPU(cpu: c, reason: "default: lowest allowed CPU (node \(node) lists none this process may use)")
    }
}
