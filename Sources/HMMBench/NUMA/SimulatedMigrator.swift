import CShims
import Foundation

/// A NUMA model for boxes with one node: remembers which simulated node
/// each page of each live region is on and reads the page for every move,
/// so that timings have the shape of a copy (never the kernel's cost: they
/// are labelled simulated). Pages start on node 0 when first seen.
public final class SimulatedMigrator: NodeMigrator {
    public let topology: NUMATopology
    public let kind = BackendKind.simulated

    /// The node of every page of one region, held weakly: an unmapped
    /// region drops out of the model by itself.
    final class Placement {
        weak var region: MappedRegion?
        var nodes: [Int32]
        init(_ region: MappedRegion) {
            self.region = region
            nodes = [Int32](repeating: 0, count: region.pageCount)
        }
    }

    private var placements: [ObjectIdentifier: Placement] = [:]
    private let scratch = HostBuffer(bytes: PageSize.base)
    /// Pages the model has moved, the simulator's pgmigrate_success.
    private(set) var moved = 0

    public init(nodes: Int = 2) {
        topology = NUMATopology.simulated(nodes: max(1, nodes))
    }

    private func placement(_ region: MappedRegion) -> Placement {
        placements = placements.filter { $0.value.region != nil }
        if let p = placements[ObjectIdentifier(region)], p.region === region { return p }
        let p = Placement(region)
        placements[ObjectIdentifier(region)] = p
        return p
    }

    /// Reads the page into a scratch page: the cost of a copy without
    /// writing to the mapping (which may be read-only).
    func copyPage(_ p: UnsafeMutableRawPointer) {
        memcpy(scratch.pointer, p, PageSize.base)
        moved += 1
    }

    public func prepareMove(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int,
                            clock: MoveClock) throws -> PreparedMove {
        try topology.require(node: node)
        guard batch > 0 else { throw HMMBenchError.usage("batch must be at least 1") }
        return SimulatedPreparedMove(migrator: self, region: region, placement: placement(region), pages: range,
                                     to: node, clock: clock)
    }

    public func nodesOf(_ region: MappedRegion, pages range: Range<Int>) throws -> [Int32] {
        Array(placement(region).nodes[range])
    }

    public func bind(_ region: MappedRegion, to node: Int, move: Bool) throws {
        try topology.require(node: node)
        if move { try movePages(region, pages: 0..<region.pageCount, to: node, batch: region.pageCount) }
    }

    public func migrateProcess(from source: Int, to target: Int) throws -> Int {
        try topology.require(node: source)
        try topology.require(node: target)
        for p in placements.values {
            guard let region = p.region, region.protection != .none else { continue }
            for page in p.nodes.indices where p.nodes[page] == Int32(source) {
                copyPage(region.pointer(page: page))
                p.nodes[page] = Int32(target)
            }
        }
        return 0
    }

    public func place(_ region: MappedRegion, on node: Int) throws {
        try topology.require(node: node)
        let p = placement(region)
        for i in p.nodes.indices { p.nodes[i] = Int32(node) }
    }

    public var migratedPages: Int? { moved }
}
