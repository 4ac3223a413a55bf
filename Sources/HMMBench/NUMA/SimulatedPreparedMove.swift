import CShims
import Foundation

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
