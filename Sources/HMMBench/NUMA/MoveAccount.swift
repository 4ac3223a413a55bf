import Foundation

/// The pages one timed move really moved, worked out after the clock
/// stopped. When every status names the target node that is the whole
/// range. When some do not, the statuses are not trusted on their own: the
/// pages' locations are queried (move_pages with nodes = NULL) and every
/// page found on the target counts, since placement put all of them on the
/// source before the window. A THP move on 6.1 and 6.12 reports EBUSY for
/// one base page of each huge page although the whole huge page moved
/// (docs/NUMA.md): the locations, not the statuses, say what moved.
public struct MoveAccount: Equatable, Sendable {
    /// Pages on the target node after the move.
    public var pagesDone: Int
    /// Why statuses and the range differ, for the result's notes; nil when
    /// every page moved and said so.
    public var note: String?

    public init(pagesDone: Int, note: String? = nil) {
        self.pagesDone = pagesDone
        self.note = note
    }

    /// Settles one move of `pageCount` pages to `target`. `locations` is
    /// called only when some status is not the target. Throws a failure
    /// when no page at all reached the target.
    public static func settle(_ outcome: MoveOutcome, pageCount: Int, target: Int, hugePages: Bool,
                              locations: () throws -> [Int32]) throws -> MoveAccount {
        guard outcome.failed > 0 else { return MoveAccount(pagesDone: pageCount) }
        let nodes = try locations()
        let onTarget = nodes.filter { $0 == Int32(target) }.count
        let said = "move_pages status: \(outcome.errorSummary) of \(pageCount) pages"
        if onTarget == 0 {
            throw HMMBenchError(.system, "move_pages moved none of \(pageCount) pages to node \(target) (\(outcome.errorSummary))",
                                errno: outcome.firstError)
        }
        if onTarget == pageCount {
            var note = "\(said), yet all \(pageCount) are on node \(target) afterwards: pages counted from their locations"
            if hugePages, outcome.errors.keys.allSatisfy({ $0 == EBUSY }), outcome.unreached == 0 {
                note += " (one EBUSY per huge page: its head was already isolated when the next base page was looked up; see docs/NUMA.md)"
            }
            return MoveAccount(pagesDone: pageCount, note: note)
        }
        let left = MoveOutcome.tally(nodes, target: target)
        return MoveAccount(pagesDone: onTarget,
                           note: "\(said); \(pageCount - onTarget) pages stayed off node \(target) (where: \(left.errorSummary)): "
                               + "throughput counts the \(onTarget) that moved")
    }
}
