/// Samples that fall into two separate groups (6.12's batch-1 move_pages:
/// 16-20 ms when the RCU worker shares the CPU, 43-79 ms when it does not),
/// reported as two modes instead of one mean, with the counter whose
/// per-repetition values separate the same two groups, when one does.
public struct Modes: Equatable, Sendable {
    /// Indices of the samples in the lower and the upper mode.
    public var low: [Int]
    public var high: [Int]
    public var lowMedian: Double
    public var highMedian: Double
    /// A counter every low-mode repetition has below every high-mode one
    /// (or above), with its mean in each mode.
    public var separatingCounter: (name: String, lowMean: Double, highMean: Double)?

    public static func == (a: Modes, b: Modes) -> Bool {
        a.low == b.low && a.high == b.high && a.separatingCounter?.name == b.separatingCounter?.name
    }

    /// The upper group must start at least this factor above the lower one.
    public static let minimumGapRatio = 1.5

    /// Splits `xs` at its largest gap (as a ratio) when both sides hold at
    /// least two samples, the upper side starts `minimumGapRatio` above the
    /// lower one, and that ratio exceeds each side's max/min; nil
    /// otherwise (one mode). `counters` are per-repetition values in the
    /// same order as `xs`.
    public static func detect(_ xs: [Double], counters: [String: [Int64]] = [:]) -> Modes? {
        guard xs.count >= 4 else { return nil }
        let order = xs.indices.sorted { xs[$0] < xs[$1] }
        let s = order.map { xs[$0] }
        var best: Int?
        var bestRatio = 0.0
        for i in 1..<(s.count - 2) where s[i] > 0 {
            let r = s[i + 1] / s[i]
            if r > bestRatio { bestRatio = r; best = i }
        }
        guard let cut = best, bestRatio >= minimumGapRatio else { return nil }
        let lowSide = Array(s[...cut]), highSide = Array(s[(cut + 1)...])
        // The gap (as a ratio) must be wider than either side's own spread:
        // a wide upper mode (43-79 ms) is still a mode.
        guard lowSide.first! > 0, bestRatio > lowSide.last! / lowSide.first!,
              bestRatio > highSide.last! / highSide.first! else { return nil }
        let low = Array(order[...cut]).sorted(), high = Array(order[(cut + 1)...]).sorted()
        var found: (String, Double, Double)?
        for name in counters.keys.sorted() {
            let v = counters[name]!
            guard v.count == xs.count else { continue }
            let lv = low.map { v[$0] }, hv = high.map { v[$0] }
            if lv.max()! < hv.min()! || hv.max()! < lv.min()! {
                let lm = Double(lv.reduce(0, +)) / Double(lv.count), hm = Double(hv.reduce(0, +)) / Double(hv.count)
                // The counter that differs most between the modes.
                if found == nil || abs(hm - lm) / max(1, min(abs(lm), abs(hm))) > abs(found!.2 - found!.1) / max(1, min(abs(found!.1), abs(found!.2))) {
                    found = (name, lm, hm)
                }
            }
        }
        return Modes(low: low, high: high, lowMedian: median(lowSide), highMedian: median(highSide),
                     separatingCounter: found.map { (name: $0.0, lowMean: $0.1, highMean: $0.2) })
    }

    static func median(_ sorted: [Double]) -> Double {
        Statistics.percentile(sorted: sorted, 50)
    }
}
