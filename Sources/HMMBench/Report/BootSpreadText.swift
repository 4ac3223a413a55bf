/// The boot-to-boot lines of a compared result in plain text (72
/// columns), for `compare --rounds N`: each run's spread within a boot and
/// between boots, then whether each change is smaller than what boots
/// alone give.
///
///     boots     A: 2 rounds; CV within a boot 3.1%, between boots 1.2%
///     B vs A    -0.52% is smaller than the between-boot spread
///               (+-5.10%): not a change
public enum BootSpreadText {
    public static func lines(_ r: ComparedResult) -> [String] {
        guard !r.boots.isEmpty else { return [] }
        var out: [String] = []
        for (j, b) in r.boots.enumerated() {
            out += TextLayout.wrap("  " + Format.padRight(j == 0 ? "boots" : "", 10)
                                   + "\(b.run): \(b.rounds) round\(b.rounds == 1 ? "" : "s"); "
                                   + "CV within a boot \(b.withinCV.map { TextLayout.percent($0) } ?? "n/a"), "
                                   + "between boots \(b.betweenCV.map { TextLayout.percent($0) } ?? "n/a")", indent: 10)
        }
        for n in r.bootNoise {
            let change = CounterTable.signedPercent(n.changePct)
            let spread = "(+-" + Format.fixed(n.spreadPct, 2) + "%)"
            let text = n.withinSpread
                ? "\(change) is smaller than the between-boot spread \(spread): not a change"
                    + (n.uncalled ? " (the per-sample tests alone would call it)" : "")
                : "\(change) is beyond the between-boot spread \(spread)"
            out += TextLayout.wrap("  " + Format.padRight("\(n.run) vs A", 10) + text, indent: 10)
        }
        return out
    }
}
