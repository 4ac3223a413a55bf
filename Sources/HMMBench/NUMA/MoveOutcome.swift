import Foundation

/// What the status array of one move said, tallied after the clock stopped.
public struct MoveOutcome: Equatable, Sendable {
    /// Pages whose status is the target node.
    public var moved: Int
    /// Pages whose status is an errno or another node.
    public var failed: Int
    /// The first failure's errno, if any.
    public var firstError: Int32?
    /// How many pages had each errno (EBUSY -> 16).
    public var errors: [Int32: Int]
    /// Pages whose status the kernel never wrote (a call gave up early).
    public var unreached: Int

    public init(moved: Int, failed: Int, firstError: Int32? = nil, errors: [Int32: Int] = [:], unreached: Int = 0) {
        self.moved = moved
        self.failed = failed
        self.firstError = firstError
        self.errors = errors
        self.unreached = unreached
    }

    /// The status value no kernel writes: the entry was never reached.
    public static let unwritten = Int32.min

    /// Tallies move_pages statuses: a node id, or -errno.
    public static func tally<S: Sequence>(_ statuses: S, target: Int) -> MoveOutcome where S.Element == Int32 {
        var o = MoveOutcome(moved: 0, failed: 0)
        for s in statuses {
            if s == Int32(target) {
                o.moved += 1
                continue
            }
            o.failed += 1
            if s == unwritten {
                o.unreached += 1
            } else if s < 0 {
                o.errors[-s, default: 0] += 1
                if o.firstError == nil { o.firstError = -s }
            }
        }
        return o
    }

    /// "16 x EBUSY, 2 x ENOENT" (most frequent first); "on another node"
    /// for pages whose status names a node other than the target.
    public var errorSummary: String {
        var parts = errors.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) x \(Errno.name($0.key))" }
        let elsewhere = failed - errors.values.reduce(0, +) - unreached
        if elsewhere > 0 { parts.append("\(elsewhere) on another node") }
        if unreached > 0 { parts.append("\(unreached) without a status (the call stopped early)") }
        return parts.joined(separator: ", ")
    }
}
