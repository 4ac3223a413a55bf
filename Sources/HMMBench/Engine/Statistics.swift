import Foundation

/// Summary statistics and significance tests over samples: the numbers a
/// run record stores and the tests `compare` decides changes with
/// (Welch's t here; Mann-Whitney U, Fieller's ratio interval and
/// Benjamini-Hochberg in the files next to this one).
///
/// Everything here is implemented from the definitions (no libraries
/// beyond libm's `lgamma` and `erfc`) and tested against SciPy reference
/// values.
public enum Statistics {
    // MARK: Summaries

    /// Summarises a sample as `SampleStats` documents: sample standard
    /// deviation (n - 1), numpy-default (linear) percentiles, and the 95%
    /// confidence interval of the mean from Student's t with n - 1 degrees
    /// of freedom. An empty sample gives all zeros; n = 1 gives stddev 0
    /// and a CI equal to the mean.
    public static func summarize(_ xs: [Double]) -> SampleStats {
        guard !xs.isEmpty else {
            return SampleStats(n: 0, min: 0, max: 0, mean: 0, median: 0, stddev: 0, cv: 0,
                               p90: 0, p99: 0, ci95Low: 0, ci95High: 0)
        }
        let s = xs.sorted()
        let n = s.count
        let m = mean(s)
        let sd = stddev(s, mean: m)
        let half = n > 1 ? tQuantile(0.975, degreesOfFreedom: Double(n - 1)) * sd / Double(n).squareRoot() : 0
        return SampleStats(n: n, min: s[0], max: s[n - 1], mean: m, median: percentile(sorted: s, 50),
                           stddev: sd, cv: m == 0 ? 0 : sd / m,
                           p90: percentile(sorted: s, 90), p99: percentile(sorted: s, 99),
                           ci95Low: m - half, ci95High: m + half)
    }

    /// Arithmetic mean; 0 for an empty sample.
    public static func mean(_ xs: [Double]) -> Double {
        xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count)
    }

    /// Sample variance (n - 1 denominator); 0 for n < 2.
    public static func variance(_ xs: [Double], mean m: Double? = nil) -> Double {
        guard xs.count > 1 else { return 0 }
        let mu = m ?? mean(xs)
        var acc = 0.0
        for x in xs { acc += (x - mu) * (x - mu) }
        return acc / Double(xs.count - 1)
    }

    /// Sample standard deviation (n - 1 denominator); 0 for n < 2.
    public static func stddev(_ xs: [Double], mean m: Double? = nil) -> Double {
        variance(xs, mean: m).squareRoot()
    }

    /// The `p`-th percentile (0...100) of an ascending sample by linear
    /// interpolation between order statistics: numpy.percentile's default
    /// ("linear", Hyndman-Fan type 7), computed the way numpy computes it.
    public static func percentile(sorted s: [Double], _ p: Double) -> Double {
        guard !s.isEmpty else { return 0 }
        let n = Double(s.count)
        let q = Swift.min(Swift.max(p / 100, 0), 1)
        // numpy: virtual index = n*q + (alpha + q*(1 - alpha - beta)) - 1, alpha = beta = 1.
        let virtualIndex = n * q + (1 + q * (1 - 1 - 1)) - 1
        let lo = Swift.min(Swift.max(Int(virtualIndex.rounded(.down)), 0), s.count - 1)
        let hi = Swift.min(lo + 1, s.count - 1)
        let g = Swift.min(Swift.max(virtualIndex - Double(lo), 0), 1)
        let a = s[lo], b = s[hi]
        let diff = b - a
        // numpy's _lerp: interpolate from the nearer end for stability.
        return g >= 0.5 ? b - diff * (1 - g) : a + diff * g
    }

    // MARK: Student's t distribution

    /// P(T <= t) for Student's t with `df` degrees of freedom (df > 0,
    /// fractional allowed), via the regularized incomplete beta function.
    public static func tCDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
        guard !t.isNaN, df > 0 else { return .nan }
        if t == 0 { return 0.5 }
        let tail = tUpperTail(abs(t), df)
        return t > 0 ? 1 - tail : tail
    }

    /// P(T > t) for t >= 0, without cancellation: 0.5 * I_x(df/2, 1/2)
    /// with x = df / (df + t^2).
    static func tUpperTail(_ t: Double, _ df: Double) -> Double {
        if t.isInfinite { return 0 }
        let t2 = t * t
        let x = df / (df + t2)
        let y = t2 / (df + t2)
        return 0.5 * incompleteBeta(x: x, y: y, a: df / 2, b: 0.5)
    }

    /// Probability density of Student's t at `t`.
    public static func tPDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
        let logPDF = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Double.pi)
            - (df + 1) / 2 * log1p(t * t / df)
        return exp(logPDF)
    }

    /// The inverse of `tCDF`: the t with P(T <= t) = p. p = 0 and 1 give
    /// -inf and +inf; p outside [0, 1] or df <= 0 gives nan.
    public static func tQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        guard p >= 0, p <= 1, df > 0 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let q = p < 0.5 ? p : 1 - p            // upper-tail probability to hit
        // Newton on f(t) = tail(t) - q from t = 0. f is convex and
        // decreasing on t >= 0, so the iterates rise monotonically to the
        // root without overshooting; in the heavy tail they grow
        // geometrically, then converge quadratically.
        var t = 0.0
        for _ in 0..<2000 {
            let f = tUpperTail(t, df) - q
            let d = tPDF(t, degreesOfFreedom: df)
            guard d > 0, d.isFinite else { break }
            let step = f / d
            t += step
            if abs(step) <= 1e-15 * Swift.max(abs(t), 1e-300) { break }
        }
        return p < 0.5 ? -t : t
    }

    /// The regularized incomplete beta function I_x(a, b).
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        incompleteBeta(x: x, y: 1 - x, a: a, b: b)
    }

    /// I_x(a, b) with y = 1 - x given separately so that callers who know
    /// 1 - x exactly lose nothing to cancellation. Continued fraction
    /// (modified Lentz), switching to the symmetric form where it converges
    /// faster.
    static func incompleteBeta(x: Double, y: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y)
        let front = exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(x: y, a: b, b: a) / b
    }

    private static func betaContinuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    // MARK: Welch's t-test

    /// Welch's unequal-variances t-test of the means of two samples.
    public struct WelchResult: Codable, Equatable, Sendable {
        /// (mean(a) - mean(b)) / sqrt(var(a)/na + var(b)/nb); +-infinity
        /// when both variances are zero and the means differ.
        public var t: Double
        /// Welch-Satterthwaite degrees of freedom; na + nb - 2 when both
        /// variances are zero.
        public var degreesOfFreedom: Double
        /// Two-sided p-value.
        public var p: Double

        public init(t: Double, degreesOfFreedom: Double, p: Double) {
            self.t = t
            self.degreesOfFreedom = degreesOfFreedom
            self.p = p
        }

        enum CodingKeys: String, CodingKey {
            case t
            case degreesOfFreedom = "df"
            case p
        }
    }

    /// Welch's t-test, two-sided, as scipy.stats.ttest_ind(a, b,
    /// equal_var=False) computes it. Defined beyond SciPy for degenerate
    /// samples:
    /// - either sample has fewer than 2 values: nil (no variance estimate;
    ///   callers must say "untestable", never "no change");
    /// - one sample has zero variance: the usual formula (the other sample's
    ///   variance carries the test, d.o.f. = its n - 1);
    /// - both have zero variance: equal means give t = 0, p = 1; different
    ///   means give t = +-infinity, p = 0 (identical repetitions that differ
    ///   are as certain as a measurement gets); d.o.f. = na + nb - 2.
    public static func welch(_ a: [Double], _ b: [Double]) -> WelchResult? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let ma = mean(a), mb = mean(b)
        return welch(meanA: ma, varianceA: variance(a, mean: ma), countA: a.count,
                     meanB: mb, varianceB: variance(b, mean: mb), countB: b.count)
    }

    /// Welch's t-test from summary statistics (see `welch(_:_:)`).
    public static func welch(meanA: Double, varianceA: Double, countA: Int,
                             meanB: Double, varianceB: Double, countB: Int) -> WelchResult? {
        guard countA >= 2, countB >= 2 else { return nil }
        let na = Double(countA), nb = Double(countB)
        let va = varianceA / na, vb = varianceB / nb
        let se2 = va + vb
        if se2 == 0 {
            let df = na + nb - 2
            if meanA == meanB { return WelchResult(t: 0, degreesOfFreedom: df, p: 1) }
            return WelchResult(t: meanA > meanB ? .infinity : -.infinity, degreesOfFreedom: df, p: 0)
        }
        let t = (meanA - meanB) / se2.squareRoot()
        let df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1))
        let p = Swift.min(1, 2 * tUpperTail(abs(t), df))
        return WelchResult(t: t, degreesOfFreedom: df, p: p)
    }
}
