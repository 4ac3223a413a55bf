/// The counters of a compared result as a plain-text table (72 columns):
/// per counter and run, the delta per repetition (min, mean, max) and the
/// change of the mean against run A.
///
///     counter/rep           run       min        mean       max     change
///     TLB shootdowns        A       7,301     7,363.2     7,420
///                           B          16        16.0        16   -99.78%
public enum CounterTable {
    static let columns: [TextLayout.Column] = [.init(21, left: true), .init(3, left: true), .init(9), .init(11), .init(9),
                                               .init(10)]

    /// The table's lines; none when the result has no counters.
    public static func lines(_ counters: [ComparedCounter]) -> [String] {
        guard !counters.isEmpty else { return [] }
        var out = [TextLayout.row(["counter/rep", "run", "min", "mean", "max", "change"], columns)]
        for c in counters {
            for (j, cell) in c.cells.enumerated() {
                let change = j == 0 ? "" : cell.changePct.map { signedPercent($0) } ?? "n/a"
                out.append(TextLayout.row([j == 0 ? c.label : "", cell.run, grouped(Double(cell.min)), grouped(cell.mean),
                                           grouped(Double(cell.max)), change], columns))
            }
        }
        return out
    }

    /// "-99.78%", "+3.10%".
    static func signedPercent(_ v: Double) -> String {
        (v >= 0 ? "+" : "") + Format.fixed(v, 2) + "%"
    }

    /// A count with thousands separators: "7,363", "7,363.2" (one
    /// decimal unless whole), so 7,363 against 16 reads at a glance.
    public static func grouped(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return Format.fixed(v, 0) }
        let whole = v == v.rounded()
        let text = Format.fixed(abs(v), whole ? 0 : 1)
        let parts = text.split(separator: ".", maxSplits: 1)
        var digits = Array(parts[0])
        var out: [Character] = []
        while digits.count > 3 {
            out = [","] + digits.suffix(3) + out
            digits.removeLast(3)
        }
        var s = String(digits + out)
        if parts.count > 1 { s += "." + parts[1] }
        return (v < 0 && text != "0" && text != "0.0" ? "-" : "") + s
    }
}
