import Foundation

extension Statistics {
    /// The Mann-Whitney U (Wilcoxon rank-sum) test of two samples,
    /// two-sided: robust to the heavy tails migration times have, where a
    /// few slow repetitions can hide or fake a change of the mean.
    public struct MannWhitneyResult: Codable, Equatable, Sendable {
        /// How the p-value was computed.
        public enum Method: String, Codable, Sendable {
            /// The exact null distribution of U (no ties, both samples at
            /// most `exactMannWhitneyLimit` long).
            case exact
            /// Normal approximation with tie correction and continuity
            /// correction.
            case normal
        }

        /// U of the first sample: its rank sum minus n1(n1+1)/2 (ties get
        /// average ranks), as scipy.stats.mannwhitneyu reports it.
        public var u: Double
        /// Two-sided p-value.
        public var p: Double
        public var method: Method

        public init(u: Double, p: Double, method: Method) {
            self.u = u
            self.p = p
            self.method = method
        }
    }

    /// Samples up to this long, without ties, get the exact p-value.
    public static let exactMannWhitneyLimit = 50

    /// Two-sided Mann-Whitney U test, as
    /// scipy.stats.mannwhitneyu(a, b, alternative='two-sided') computes it
    /// with method='exact' (no ties, both n <= `exactMannWhitneyLimit`) or
    /// method='asymptotic' (otherwise: normal approximation, tie-corrected
    /// variance, continuity correction). p = 2 P(U >= max(U1, U2)),
    /// clipped to 1. Nil when either sample has fewer than 2 values.
    public static func mannWhitney(_ a: [Double], _ b: [Double]) -> MannWhitneyResult? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let n1 = a.count, n2 = b.count, n = n1 + n2
        // Average ranks over the pooled sample, and the tie sizes.
        let pooled = (a.map { ($0, true) } + b.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumA = 0.0
        var tieTerm = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let t = Double(j - i + 1)
            let rank = Double(i + j) / 2 + 1
            for k in i...j where pooled[k].1 { rankSumA += rank }
            tieTerm += t * t * t - t
            i = j + 1
        }
        let u1 = rankSumA - Double(n1 * (n1 + 1)) / 2
        let big = Swift.max(u1, Double(n1 * n2) - u1)
        if tieTerm == 0 && n1 <= exactMannWhitneyLimit && n2 <= exactMannWhitneyLimit {
            let dist = uDistribution(n1, n2)
            let from = Int(big.rounded())
            let sf = dist[Swift.min(from, dist.count)...].reduce(0, +)
            return MannWhitneyResult(u: u1, p: Swift.min(1, 2 * sf), method: .exact)
        }
        let nn = Double(n)
        let mu = Double(n1 * n2) / 2
        let s = (Double(n1 * n2) / 12 * ((nn + 1) - tieTerm / (nn * (nn - 1)))).squareRoot()
        let z = (big - mu - 0.5) / s
        return MannWhitneyResult(u: u1, p: Swift.min(1, Swift.max(0, 2 * normalUpperTail(z))), method: .normal)
    }

    /// P(Z > z) for the standard normal; exact at +-infinity, no
    /// cancellation in the upper tail.
    public static func normalUpperTail(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return 0.5 * erfc(z / 2.0.squareRoot())
    }

    /// The null distribution of U for samples of m and n values without
    /// ties: element u is P(U = u), u = 0...m*n. The largest of the m + n
    /// values belongs to the first sample with probability m / (m + n),
    /// and then beats all n of the second (U = n + U(m-1, n)); otherwise it
    /// adds nothing (U = U(m, n-1)). Probabilities, not counts, so nothing
    /// overflows.
    static func uDistribution(_ m: Int, _ n: Int) -> [Double] {
        // prev[k]: distribution for (row - 1, k); row 0 is a point mass at 0.
        var prev: [[Double]] = Array(repeating: [1.0], count: n + 1)
        guard m > 0, n > 0 else { return [1.0] }
        for mm in 1...m {
            var cur: [[Double]] = [[1.0]]
            for nn in 1...n {
                var d = [Double](repeating: 0, count: mm * nn + 1)
                let pa = Double(mm) / Double(mm + nn), pb = Double(nn) / Double(mm + nn)
                for (u, v) in prev[nn].enumerated() { d[u + nn] += pa * v }
                for (u, v) in cur[nn - 1].enumerated() { d[u] += pb * v }
                cur.append(d)
            }
            prev = cur
        }
        return prev[n]
    }
}
