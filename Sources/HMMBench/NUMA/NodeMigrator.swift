/// Moves pages between NUMA nodes: libnuma on a real box
/// (`LibnumaMigrator`), a model where the box has one node
/// (`SimulatedMigrator`).
public protocol NodeMigrator: AnyObject {
    var topology: NUMATopology { get }
    var kind: BackendKind { get }
    /// Builds everything a move_pages(2) of pages `range` of `region` to
    /// `node` in calls of at most `batch` pages needs, without moving
    /// anything; `clock` brackets the calls when the move runs.
    func prepareMove(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int,
                     clock: MoveClock) throws -> PreparedMove
    /// The node each page in `range` is on (move_pages with nodes = NULL);
    /// negative values are errnos (-ENOENT: not present).
    func nodesOf(_ region: MappedRegion, pages range: Range<Int>) throws -> [Int32]
    /// mbind(2) the region to `node`, with MPOL_MF_MOVE when `move`.
    func bind(_ region: MappedRegion, to node: Int, move: Bool) throws
    /// migrate_pages(2) of this whole process from `source` to `target`.
    /// Returns the pages that could not be moved.
    func migrateProcess(from source: Int, to target: Int) throws -> Int
    /// Places the region's pages on `node` before a measurement (not
    /// timed). Callers verify the result with `placeVerified`.
    func place(_ region: MappedRegion, on node: Int) throws
    /// Pages migrated so far by anyone (the kernel's pgmigrate_success,
    /// the model's own count); nil when the counter cannot be read.
    var migratedPages: Int? { get }
}

extension NodeMigrator {
    /// Prepares, runs and tallies a move in one go (untimed uses: placing).
    @discardableResult
    public func movePages(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int) throws -> MoveOutcome {
        let move = try prepareMove(region, pages: range, to: node, batch: batch, clock: .monotonic)
        _ = try move.run()
        return move.tally()
    }

    /// Places the region on `node` and checks, by asking where every page
    /// is, that the timed window will start from that state.
    public func placeVerified(_ region: MappedRegion, on node: Int) throws {
        try place(region, on: node)
        try PlacementCheck.verify(try nodesOf(region, pages: 0..<region.pageCount), on: node)
    }
}
