import CShims

/// The monotonic raw clock that brackets exactly the kernel work.
public enum Clock {
    /// Nanoseconds on CLOCK_MONOTONIC_RAW (no NTP slewing).
    @inline(__always)
    public static func now() -> UInt64 { hmmb_now_ns() }

    /// Times `body`, returning its nanoseconds and its value.
    @inline(__always)
    public static func measure<T>(_ body: () throws -> T) rethrows -> (ns: UInt64, value: T) {
        let start = hmmb_now_ns()
        let value = try body()
        let end = hmmb_now_ns()
        return (end &- start, value)
    }
}
