/// An operation not compared, and why (e.g. no MIGRATE_TO_SYS before 6.0).
public struct OverheadSkip: Codable, Equatable, Sendable {
    public var op: OverheadOp
    public var reason: String

    public init(op: OverheadOp, reason: String) {
        self.op = op
        self.reason = reason
    }
}

