/// Where a prepared move reads the time: the monotonic raw clock in a run,
/// a recording clock in tests (to show what lies inside the window).
public struct MoveClock {
    public var now: () -> UInt64

    public init(_ now: @escaping () -> UInt64) { self.now = now }

    /// CLOCK_MONOTONIC_RAW, as every other timed window.
    public static var monotonic: MoveClock { MoveClock { Clock.now() } }
}

/// A move_pages(2) of a fixed range to a fixed node with every array built
/// up front (page addresses, target nodes, status), so that `run` holds
/// only the kernel calls between two clock reads and `tally` reads the
/// statuses after the clock has stopped. One object serves every
/// repetition of a flow.
public protocol PreparedMove: AnyObject {
    /// Pages the move covers.
    var pageCount: Int { get }
    /// The node the pages are moved to.
    var target: Int { get }
    /// Moves the pages in calls of at most `batch` pages and returns the
    /// nanoseconds between the two clock reads around those calls. A call
    /// that returns an error throws `HMMBenchError.system` with its errno,
    /// after the clock has stopped.
    func run() throws -> UInt64
    /// Untimed, after `run`: what the status array says.
    func tally() -> MoveOutcome
}
