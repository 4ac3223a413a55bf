import CShims
import Foundation

/// move_pages(2) as the migrator issues it: count, page addresses, target
/// nodes (nil: only report where the pages are), status out, flags.
/// Returns 0, the number of pages not migrated, or -errno.
public typealias MovePagesCall = (_ count: Int, _ pages: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                  _ nodes: UnsafePointer<Int32>?, _ status: UnsafeMutablePointer<Int32>,
                                  _ flags: Int32) -> Int

/// Real NUMA migration through libnuma's move_pages, mbind and migrate_pages.
public final class LibnumaMigrator: NodeMigrator {
    public let topology: NUMATopology
    public let kind = BackendKind.kernel
    /// The move_pages(2) entry point (tests put a recording double here).
    let movePagesCall: MovePagesCall

    /// The real system call.
    public static let kernelMovePages: MovePagesCall = { count, pages, nodes, status, flags in
        hmmb_move_pages(0, UInt(count), pages, nodes, status, flags)
    }

    public init(topology: NUMATopology, movePages: @escaping MovePagesCall = LibnumaMigrator.kernelMovePages) {
        self.topology = topology
        movePagesCall = movePages
    }

    public func prepareMove(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int,
                            clock: MoveClock) throws -> PreparedMove {
        try topology.require(node: node)
        guard batch > 0 else { throw HMMBenchError.usage("batch must be at least 1") }
        return try KernelPreparedMove(region, pages: range, to: node, batch: batch, call: movePagesCall, clock: clock)
    }

    public func nodesOf(_ region: MappedRegion, pages range: Range<Int>) throws -> [Int32] {
        var pages = range.map { Optional(region.pointer(page: $0)) }
        var status = [Int32](repeating: 0, count: range.count)
        guard !range.isEmpty else { return [] }
        let r = pages.withUnsafeMutableBufferPointer { p in
            status.withUnsafeMutableBufferPointer { s in movePagesCall(range.count, p.baseAddress!, nil, s.baseAddress!, 0) }
        }
        if r < 0 { throw HMMBenchError.system("move_pages (query of \(range.count) pages)", errno: Int32(-r)) }
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
        try movePages(region, pages: 0..<region.pageCount, to: node, batch: 4096)
    }

    public var migratedPages: Int? {
        guard let text = SystemFacts.read("/proc/vmstat"),
              let v = CounterSnapshot.parseVmstat(text, prefixes: ["pgmigrate_success"])["pgmigrate_success"] else { return nil }
        return Int(v)
    }
}
