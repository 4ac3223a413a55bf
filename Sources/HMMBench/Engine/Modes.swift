/// Samples that fall into two separate groups (6.12's batch-1 move_pages:
/// about 37 ms when the expedited-RCU worker shares the measuring CPU,
/// about 61 ms when it runs on the other one), reported as two modes
/// instead of one mean, with the counter whose per-repetition values
/// separate the same two groups, when one does.
public struct Modes: Equatable, Sendable {
    /// Indices of the samples in the lower and the upper mode, and of the
    /// few that lie between them (a repetition during which the cause
    /// changed, e.g. the worker moved mid-repetition).
    public var low: [Int]
    public var high: [Int]
    public var between: [Int]
    public var lowMedian: Double
    public var highMedian: Double
    /// A counter every low-mode repetition has below every high-mode one
    /// (or above), with its mean in each mode.
    public var separatingCounter: (name: String, lowMean: Double, highMean: Double)?

    public static func == (a: Modes, b: Modes) -> Bool {
        a.low == b.low && a.high == b.high && a.between == b.between
            && a.separatingCounter?.name == b.separatingCounter?.name
    }

    /// The upper group must start at least this factor above the lower one.
    public static let minimumGapRatio = 1.5

    /// How many samples may lie between the two modes: one in twenty (none
    /// below twenty samples), and always fewer than either mode holds.
    public static func allowedBetween(_ n: Int) -> Int { n / 20 }

    /// Splits `xs` into two modes when both hold at least two samples, the
    /// upper one starts at least `minimumGapRatio` above the top of the
    /// lower one, that ratio exceeds each mode's own max/min, and at most
    /// `allowedBetween` samples (fewer than either mode) lie in the gap;
    /// of the splits that qualify, the one with the fewest samples between
    /// wins, then the widest gap. Nil otherwise (one
    /// mode). `counters` are per-repetition values in the same order as
    /// `xs`.
    public static func detect(_ xs: [Double], counters: [String: [Int64]] = [:]) -> Modes? {
        let n = xs.count
        guard n >= 4 else { return nil }
        let order = xs.indices.sorted { xs[$0] < xs[$1] }
        let s = order.map { xs[$0] }
        guard s[0] > 0 else { return nil }
        let skipLimit = allowedBetween(n)
        var best: (lowEnd: Int, highStart: Int, ratio: Double)?
        for lowEnd in 1..<(n - 2) {
            for skipped in 0...skipLimit {
                let highStart = lowEnd + 1 + skipped
                let lowCount = lowEnd + 1, highCount = n - highStart
                guard highCount >= 2, skipped < min(lowCount, highCount) else { break }
                let ratio = s[highStart] / s[lowEnd]
                // The gap must be wider than either mode's own spread: a
                // wide upper mode (43-79 ms) is still a mode.
                guard ratio >= minimumGapRatio, ratio > s[lowEnd] / s[0],
                      ratio > s[n - 1] / s[highStart] else { continue }
                // Fewest samples between first (skipping more always
                // widens the gap), then the widest gap.
                if let b = best {
                    let bSkipped = b.highStart - b.lowEnd - 1
                    guard skipped < bSkipped || (skipped == bSkipped && ratio > b.ratio) else { continue }
                }
                best = (lowEnd, highStart, ratio)
            }
        }
        guard let cut = best else { return nil }
        let low = Array(order[...cut.lowEnd]).sorted(), high = Array(order[cut.highStart...]).sorted()
        let between = Array(order[(cut.lowEnd + 1)..<cut.highStart]).sorted()
        var found: (String, Double, Double)?
        for name in counters.keys.sorted() {
            let v = counters[name]!
            guard v.count == n else { continue }
            let lv = low.map { v[$0] }, hv = high.map { v[$0] }
            if lv.max()! < hv.min()! || hv.max()! < lv.min()! {
                let lm = Double(lv.reduce(0, +)) / Double(lv.count), hm = Double(hv.reduce(0, +)) / Double(hv.count)
                // The counter that differs most between the modes.
                if found == nil || abs(hm - lm) / max(1, min(abs(lm), abs(hm))) > abs(found!.2 - found!.1) / max(1, min(abs(found!.1), abs(found!.2))) {
                    found = (name, lm, hm)
                }
            }
        }
        return Modes(low: low, high: high, between: between,
                     lowMedian: median(Array(s[...cut.lowEnd])), highMedian: median(Array(s[cut.highStart...])),
                     separatingCounter: found.map { (name: $0.0, lowMean: $0.1, highMean: $0.2) })
    }

    static func median(_ sorted: [Double]) -> Double {
        Statistics.percentile(sorted: sorted, 50)
    }
}
