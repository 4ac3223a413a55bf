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

/// The model's prepared move: page pointers and a status array built up
/// front; `run` copies each page not yet on the target between two clock
/// reads; `tally` reads the statuses afterwards.
final class SimulatedPreparedMove: PreparedMove {
    unowned let migrator: SimulatedMigrator
    /// Keeps the region mapped while the move may still run.
    let region: MappedRegion
    let placement: SimulatedMigrator.Placement
    let target: Int
    let clock: MoveClock
    /// Page indices and their addresses, in order.
    let indices: [Int]
    let pointers: [UnsafeMutableRawPointer]
    var status: [Int32]
    /// How many times the statuses were tallied.
    private(set) var tallies = 0

    init(migrator: SimulatedMigrator, region: MappedRegion, placement: SimulatedMigrator.Placement, pages range: Range<Int>,
         to node: Int, clock: MoveClock) {
        self.migrator = migrator
        self.region = region
        self.placement = placement
        target = node
        self.clock = clock
        indices = Array(range)
        pointers = range.map { region.pointer(page: $0) }
        status = [Int32](repeating: MoveOutcome.unwritten, count: range.count)
    }

    var pageCount: Int { indices.count }

    func run() throws -> UInt64 {
        let node = Int32(target)
        // A PROT_NONE page cannot be read: every status says EFAULT, as the
        // model has always answered (no clock: nothing is attempted).
        if region.protection == .none {
            for i in status.indices { status[i] = -EFAULT }
            let t = clock.now()
            return clock.now() &- t
        }
        for i in status.indices { status[i] = MoveOutcome.unwritten }
        let start = clock.now()
        for (k, page) in indices.enumerated() {
            if placement.nodes[page] != node {
                migrator.copyPage(pointers[k])
                placement.nodes[page] = node
            }
            status[k] = node
        }
        let end = clock.now()
        return end &- start
    }

    func tally() -> MoveOutcome {
        tallies += 1
        return MoveOutcome.tally(status, target: target)
    }
}
