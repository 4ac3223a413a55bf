extension Statistics {
    /// A confidence interval for the ratio of two means, new over
    /// baseline.
    public struct RatioInterval: Codable, Equatable, Sendable {
        /// mean(new) / mean(baseline).
        public var ratio: Double
        public var low: Double
        public var high: Double
        /// The Welch-Satterthwaite degrees of freedom the t quantile used.
        public var degreesOfFreedom: Double

        public init(ratio: Double, low: Double, high: Double, degreesOfFreedom: Double) {
            self.ratio = ratio
            self.low = low
            self.high = high
            self.degreesOfFreedom = degreesOfFreedom
        }
    }

    /// Fieller's confidence interval for mean(new) / mean(base) of two
    /// independent samples with unequal variances: the ratios R for which
    /// |mean(new) - R mean(base)| <= t * sqrt(s_new^2/n_new + R^2 s_base^2/n_base),
    /// t the `level` two-sided Student quantile with the Welch-Satterthwaite
    /// degrees of freedom of that combination evaluated at the estimated
    /// ratio (Tamhane & Logan 2004; what R's mratios::ttestratio computes
    /// with var.equal = FALSE). Unlike a delta-method interval it is
    /// asymmetric where the ratio's distribution is, and it needs no
    /// normality of the ratio itself.
    ///
    /// Nil when either sample has fewer than 2 values, the baseline mean is
    /// 0, or the baseline mean is not significantly different from 0 (the
    /// set of ratios is then unbounded). Both samples constant: the point.
    public static func fiellerRatio(base: [Double], new: [Double], level: Double = 0.95) -> RatioInterval? {
        guard base.count >= 2, new.count >= 2, level > 0, level < 1 else { return nil }
        let a = mean(base), b = mean(new)
        guard a != 0 else { return nil }
        let na = Double(base.count), nb = Double(new.count)
        let sa = variance(base, mean: a) / na, sb = variance(new, mean: b) / nb
        let r = b / a
        let denominator = sb * sb / (nb - 1) + r * r * r * r * sa * sa / (na - 1)
        if denominator == 0 {
            return RatioInterval(ratio: r, low: r, high: r, degreesOfFreedom: na + nb - 2)
        }
        let df = (sb + r * r * sa) * (sb + r * r * sa) / denominator
        let t = tQuantile(1 - (1 - level) / 2, degreesOfFreedom: df)
        let t2 = t * t
        let qa = a * a - t2 * sa
        guard qa > 0 else { return nil }
        let qb = a * b
        let qc = b * b - t2 * sb
        let root = Swift.max(0, qb * qb - qa * qc).squareRoot()
        return RatioInterval(ratio: r, low: (qb - root) / qa, high: (qb + root) / qa, degreesOfFreedom: df)
    }
}
