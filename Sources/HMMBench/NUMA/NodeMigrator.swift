/// The result of moving pages between nodes.
public struct MoveOutcome: Equatable, Sendable {
    /// Pages that ended on the target node.
    public var moved: Int
    /// Pages that did not (status < 0 or another node).
    public var failed: Int
    /// The first failure's errno, if any.
    public var firstError: Int32?

    public init(moved: Int, failed: Int, firstError: Int32? = nil) {
        self.moved = moved
        self.failed = failed
        self.firstError = firstError
    }
}

/// Moves pages between NUMA nodes: libnuma on a real box
/// (`LibnumaMigrator`), a model where the box has one node
/// (`SimulatedMigrator`).
public protocol NodeMigrator: AnyObject {
    var topology: NUMATopology { get }
    var kind: BackendKind { get }
    /// move_pages(2) of pages `range` of `region` to `node`, in calls of at
    /// most `batch` pages.
    func movePages(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int) throws -> MoveOutcome
    /// The node each page in `range` is on (move_pages with nodes = NULL);
    /// negative values are errnos (-ENOENT: not present).
    func nodesOf(_ region: MappedRegion, pages range: Range<Int>) throws -> [Int32]
    /// mbind(2) the region to `node`, with MPOL_MF_MOVE when `move`.
    func bind(_ region: MappedRegion, to node: Int, move: Bool) throws
    /// migrate_pages(2) of this whole process from `source` to `target`.
    /// Returns the pages that could not be moved.
    func migrateProcess(from source: Int, to target: Int) throws -> Int
    /// Places the region's pages on `node` before a measurement (not timed).
    func place(_ region: MappedRegion, on node: Int) throws
}
