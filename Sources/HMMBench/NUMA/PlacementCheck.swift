/// The check after placing memory before a timed window: every page must
/// be on the wanted node, or the measurement would start from the wrong
/// state and mean something else.
public enum PlacementCheck {
    /// Throws a failure naming where the pages are when any page of
    /// `nodes` (move_pages query statuses) is not on `node`.
    public static func verify(_ nodes: [Int32], on node: Int) throws {
        let wrong = nodes.filter { $0 != Int32(node) }
        guard !wrong.isEmpty else { return }
        let o = MoveOutcome.tally(nodes, target: node)
        throw HMMBenchError(.system, "placing \(nodes.count) pages on node \(node) before the timed window left "
                            + "\(wrong.count) elsewhere (\(o.errorSummary))", errno: o.firstError)
    }
}
