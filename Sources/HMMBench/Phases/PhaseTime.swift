/// A phase's time and call count within one repetition.
public struct PhaseTime: Codable, Equatable, Sendable {
    /// Summed duration of the phase's calls, nanoseconds (a call's time
    /// includes the traced calls nested in it).
    public var ns: Double
    public var calls: Int

    public init(ns: Double = 0, calls: Int = 0) {
        self.ns = ns
        self.calls = calls
    }

    /// Counts one more call of `ns` nanoseconds.
    public mutating func add(_ ns: Double) {
        self.ns += ns
        calls += 1
    }
}
