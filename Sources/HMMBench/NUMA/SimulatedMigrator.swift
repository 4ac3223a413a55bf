import CShims
import Foundation

/// A NUMA model for boxes with one node: remembers which simulated node
/// each page is on and copies the page for every move, so that timings
/// have the shape of a copy (never the kernel's cost: they are labelled
/// simulated). Pages start on node 0 when first seen.
public final class SimulatedMigrator: NodeMigrator {
    public let topology: NUMATopology
    public let kind = BackendKind.simulated
    private var nodeOfPage: [UInt: Int32] = [:]
    private var policy: [UInt: Int] = [:]
    private let scratch = HostBuffer(bytes: PageSize.base)

    public init(nodes: Int = 2) {
        topology = NUMATopology.simulated(nodes: max(1, nodes))
    }

    private let scratch2 = HostBuffer(bytes: PageSize.base)

    /// Reads the page into a scratch page: the cost of a copy without
    /// writing to the mapping (which may be read-only).
    private func copyPage(_ p: UnsafeMutableRawPointer) {
        memcpy(scratch2.pointer, p, PageSize.base)
    }

    public func movePages(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int) throws -> MoveOutcome {
        try topology.require(node: node)
        guard batch > 0 else { throw HMMBenchError.usage("batch must be at least 1") }
        var outcome = MoveOutcome(moved: 0, failed: 0)
        for page in range {
            let addr = region.address(page: page)
            if region.protection == .none {
                outcome.failed += 1
                if outcome.firstError == nil { outcome.firstError = EFAULT }
                continue
            }
            if nodeOfPage[addr] != Int32(node) {
                copyPage(region.pointer(page: page))
                nodeOfPage[addr] = Int32(node)
            }
            outcome.moved += 1
        }
        return outcome
    }

    public func nodesOf(_ region: MappedRegion, pages range: Range<Int>) throws -> [Int32] {
        range.map { nodeOfPage[region.address(page: $0)] ?? 0 }
    }

    public func bind(_ region: MappedRegion, to node: Int, move: Bool) throws {
        try topology.require(node: node)
        policy[region.address()] = node
        if move { _ = try movePages(region, pages: 0..<region.pageCount, to: node, batch: region.pageCount) }
    }

    public func migrateProcess(from source: Int, to target: Int) throws -> Int {
        try topology.require(node: source)
        try topology.require(node: target)
        // Pages of regions already unmapped may still be listed: relabel
        // without dereferencing, and copy the scratch page for the cost.
        for (addr, n) in nodeOfPage where n == Int32(source) {
            copyPage(scratch.pointer)
            nodeOfPage[addr] = Int32(target)
        }
        return 0
    }

    public func place(_ region: MappedRegion, on node: Int) throws {
        try topology.require(node: node)
        for page in 0..<region.pageCount { nodeOfPage[region.address(page: page)] = Int32(node) }
    }

    /// Forgets the pages of an unmapped region.
    public func forget(_ region: MappedRegion) {
        for page in 0..<region.pageCount { nodeOfPage[region.address(page: page)] = nil }
        policy[region.address()] = nil
    }
}
