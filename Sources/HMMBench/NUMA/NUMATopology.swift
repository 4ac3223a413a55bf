import CShims
import Foundation

/// The NUMA nodes of this box (or of the simulated topology): ids, CPUs and
/// memory, read from /sys/devices/system/node.
public struct NUMATopology: Codable, Equatable, Sendable {
    /// One NUMA node.
    public struct Node: Codable, Equatable, Sendable {
        public var id: Int
        public var cpus: [Int]
        public var memoryBytes: Int
        public var freeBytes: Int

        public init(id: Int, cpus: [Int], memoryBytes: Int, freeBytes: Int) {
            self.id = id
            self.cpus = cpus
            self.memoryBytes = memoryBytes
            self.freeBytes = freeBytes
        }

        enum CodingKeys: String, CodingKey {
            case id, cpus
            case memoryBytes = "memory_bytes"
            case freeBytes = "free_bytes"
        }
    }

    public var nodes: [Node]
    /// True when the nodes are the simulator's, not the box's.
    public var simulated: Bool

    public init(nodes: [Node], simulated: Bool) {
        self.nodes = nodes
        self.simulated = simulated
    }

    public var nodeIDs: [Int] { nodes.map(\.id) }

    public func node(_ id: Int) -> Node? { nodes.first { $0.id == id } }

    /// Throws a usage error naming the nodes that exist when `id` is not one.
    public func require(node id: Int) throws {
        guard node(id) != nil else {
            let have = nodeIDs.map(String.init).joined(separator: ", ")
            throw HMMBenchError.usage("NUMA node \(id) does not exist (nodes: \(have)\(simulated ? ", simulated" : ""))",
                                      hint: nodes.count < 2 ? "use --nodes N on the simulator, or the test bed (bench/vm) for two real nodes" : nil)
        }
    }

    /// Reads the real topology. Returns nil when the kernel has no NUMA
    /// support (numa_available() < 0) or sysfs is missing.
    public static func read(sysfs: String = "/sys/devices/system/node") -> NUMATopology? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: sysfs) else { return nil }
        var nodes: [Node] = []
        for name in names where name.hasPrefix("node") {
            guard let id = Int(name.dropFirst(4)) else { continue }
            let dir = "\(sysfs)/\(name)"
            let cpulist = (try? String(contentsOfFile: "\(dir)/cpulist", encoding: .utf8)) ?? ""
            let meminfo = (try? String(contentsOfFile: "\(dir)/meminfo", encoding: .utf8)) ?? ""
            nodes.append(Node(id: id, cpus: parseCPUList(cpulist),
                              memoryBytes: nodeMeminfo("MemTotal", meminfo),
                              freeBytes: nodeMeminfo("MemFree", meminfo)))
        }
        guard !nodes.isEmpty else { return nil }
        return NUMATopology(nodes: nodes.sorted { $0.id < $1.id }, simulated: false)
    }

    /// A simulated topology: `count` nodes sharing this box's CPUs and memory.
    public static func simulated(nodes count: Int) -> NUMATopology {
        let cpus = CPUSet.atStart
        let mem = MemoryInfo.totalBytes()
        return NUMATopology(nodes: (0..<count).map { i in
            Node(id: i, cpus: cpus.enumerated().filter { $0.offset % count == i }.map(\.element),
                 memoryBytes: mem / count, freeBytes: mem / count)
        }, simulated: true)
    }

    /// Parses "0-3,8,10-11".
    public static func parseCPUList(_ text: String) -> [Int] {
        var out: [Int] = []
        for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let ends = part.split(separator: "-").compactMap { Int($0) }
            if ends.count == 2, ends[0] <= ends[1] { out += Array(ends[0]...ends[1]) } else if ends.count == 1 { out.append(ends[0]) }
        }
        return out
    }

    /// "Node 0 MemTotal:  1012345 kB" -> bytes.
    static func nodeMeminfo(_ key: String, _ text: String) -> Int {
        for line in text.split(separator: "\n") where line.contains(" \(key):") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            if let i = f.firstIndex(where: { $0 == "\(key):" }), i + 1 < f.count, let n = Int(f[i + 1]) { return n * 1024 }
        }
        return 0
    }
}
