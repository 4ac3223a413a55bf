import CShims
import Foundation

/// Real NUMA migration through libnuma's move_pages, mbind and migrate_pages.
public final class LibnumaMigrator: NodeMigrator {
    public let topology: NUMATopology
    public let kind = BackendKind.kernel

    public init(topology: NUMATopology) {
        self.topology = topology
    }

    public func movePages(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int) throws -> MoveOutcome {
        try topology.require(node: node)
        var outcome = MoveOutcome(moved: 0, failed: 0)
        let step = max(1, batch)
        var start = range.lowerBound
        var pages = [UnsafeMutableRawPointer?](repeating: nil, count: step)
        var nodes = [Int32](repeating: Int32(node), count: step)
        var status = [Int32](repeating: 0, count: step)
        while start < range.upperBound {
            let n = min(step, range.upperBound - start)
            for i in 0..<n { pages[i] = region.pointer(page: start + i) }
            let r = pages.withUnsafeMutableBufferPointer { p in
                hmmb_move_pages(0, UInt(n), p.baseAddress, &nodes, &status, HMMB_MPOL_MF_MOVE_FLAG)
            }
            if r < 0 { throw HMMBenchError.system("move_pages of \(n) pages to node \(node)", errno: Int32(-r)) }
            for i in 0..<n {
                if status[i] == Int32(node) { outcome.moved += 1 } else {
                    outcome.failed += 1
                    if outcome.firstError == nil, status[i] < 0 { outcome.firstError = -status[i] }
                }
            }
            start += n
        }
        return outcome
    }

    public func nodesOf(_ region: MappedRegion, pages range: Range<Int>) throws -> [Int32] {
        var pages = range.map { Optional(region.pointer(page: $0)) }
        var status = [Int32](repeating: 0, count: range.count)
        let r = pages.withUnsafeMutableBufferPointer { p in
            hmmb_move_pages(0, UInt(range.count), p.baseAddress, nil, &status, 0)
        }
        if r < 0 { throw HMMBenchError.system("move_pages (query)", errno: Int32(-r)) }
        return status
    }

    /// A nodemask with only `node` set, as the kernel wants it.
    static func mask(_ node: Int) -> [UInt] {
        var m = [UInt](repeating: 0, count: node / UInt.bitWidth + 1)
        m[node / UInt.bitWidth] |= 1 << UInt(node % UInt.bitWidth)
        return m
    }

    public func bind(_ region: MappedRegion, to node: Int, move: Bool) throws {
        try topology.require(node: node)
        let m = Self.mask(node)
        let flags: UInt32 = move ? (HMMB_MPOL_MF_MOVE | HMMB_MPOL_MF_STRICT) : 0
        let r = hmmb_mbind(region.base, UInt(region.bytes), HMMB_MPOL_BIND, m, UInt(m.count * UInt.bitWidth + 1), flags)
        if r < 0 { throw HMMBenchError.system("mbind to node \(node)\(move ? " with MPOL_MF_MOVE" : "")", errno: -r) }
    }

    public func migrateProcess(from source: Int, to target: Int) throws -> Int {
        try topology.require(node: source)
        try topology.require(node: target)
        let bits = max(source, target) + 2
        let old = Self.mask(source), new = Self.mask(target)
        let r = hmmb_migrate_pages(0, UInt(bits), old, new)
        if r < 0 { throw HMMBenchError.system("migrate_pages node \(source) -> \(target)", errno: Int32(-r)) }
        return r
    }

    public func place(_ region: MappedRegion, on node: Int) throws {
        _ = try movePages(region, pages: 0..<region.pageCount, to: node, batch: 4096)
    }
}
