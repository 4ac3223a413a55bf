/// Number formatting without Foundation's locale machinery: reports must
/// look the same on every box and in a static binary.
public enum Format {
    /// `value` with exactly `digits` decimals ("3.14"); "nan"/"inf" as is.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let n = UInt64(scaled)
        let s = String(n)
        var body: String
        if digits == 0 {
            body = s
        } else {
            let padded = String(repeating: "0", count: max(0, digits + 1 - s.count)) + s
            let cut = padded.index(padded.endIndex, offsetBy: -digits)
            body = padded[..<cut] + "." + padded[cut...]
        }
        return (negative && n != 0 ? "-" : "") + body
    }

    /// Right-aligns `s` in `width` columns.
    public static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// Left-aligns `s` in `width` columns.
    public static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// A duration in the unit that keeps 3-4 significant digits: "812 ns",
    /// "12.4 us", "3.21 ms", "1.05 s".
    public static func duration(ns: Double) -> String {
        let (divisor, name) = timeUnit(for: ns)
        let v = ns / divisor
        let digits = divisor == 1 ? 0 : (divisor == 1_000_000_000 || abs(v) < 10 ? 2 : 1)
        return fixed(v, digits) + " " + name
    }

    /// The unit a duration of `ns` is shown in, and its size in ns:
    /// below 1 us in ns, below 1 ms in us, below 1 s in ms, else s.
    public static func timeUnit(for ns: Double) -> (divisor: Double, name: String) {
        let a = abs(ns)
        if a < 1_000 { return (1, "ns") }
        if a < 1_000_000 { return (1_000, "us") }
        if a < 1_000_000_000 { return (1_000_000, "ms") }
        return (1_000_000_000, "s")
    }
}
