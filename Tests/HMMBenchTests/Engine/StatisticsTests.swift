import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// Reference values: SciPy 1.17.1 / NumPy 2.4.6 (Python 3.11), produced by
/// /tmp/rep/ref.py during development with exactly these calls:
///   summaries: numpy.min/max/mean/median, numpy.std(x, ddof=1),
///              numpy.percentile(x, 90) and (x, 99) (default method),
///              CI = mean -+ scipy.stats.t.ppf(0.975, n-1) * sd / sqrt(n)
///   Welch:     scipy.stats.ttest_ind(a, b, equal_var=False)
///              -> .statistic, .pvalue, .df
///   t CDF:     scipy.stats.t.cdf(x, df) (and t.sf for the far tail)
///   t PPF:     scipy.stats.t.ppf(q, df)
///   U test:    scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
///              method='exact' | 'asymptotic') -> .statistic, .pvalue
///   BH:        scipy.stats.false_discovery_control(ps, method='bh')
///   Fieller:   no SciPy function; an independent NumPy implementation of
///              the interval (Tamhane & Logan 2004, Welch-Satterthwaite df
///              at the estimated ratio) with scipy.stats.t.ppf(0.975, df),
///              kept next to the other calls in the development script.
@Suite("Statistics")
struct StatisticsTests {
    /// |actual - expected| <= rel * |expected| (or <= rel when expected is 0).
    func close(_ actual: Double, _ expected: Double, rel: Double = 1e-9,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let tol = expected == 0 ? rel : rel * abs(expected)
        #expect(abs(actual - expected) <= tol, "got \(actual), expected \(expected)",
                sourceLocation: sourceLocation)
    }

    struct SummaryCase: Sendable {
        var xs: [Double]
        // min, max, mean, median, stddev, cv, p90, p99, ciLow, ciHigh
        var expected: [Double]
    }

    static let summaryCases: [SummaryCase] = [
        SummaryCase(xs: [10.2, 11.5, 9.8, 10.9, 10.4, 11.1],
                    expected: [9.8, 11.5, 10.65, 10.65, 0.6284902544988266, 0.059013169436509534,
                               11.3, 11.48, 9.990439927601635, 11.309560072398366]),
        SummaryCase(xs: [1.0, 2.0],
                    expected: [1.0, 2.0, 1.5, 1.5, 0.7071067811865476, 0.47140452079103173,
                               1.9, 1.99, -4.853102368087347, 7.853102368087347]),
        SummaryCase(xs: [1000, 1020, 990, 1010, 1005, 995, 1015, 985, 1003, 997],
                    expected: [985.0, 1020.0, 1002.0, 1001.5, 10.944303439588001, 0.010922458522542915,
                               1015.5, 1019.55, 994.1709169534522, 1009.8290830465478]),
        SummaryCase(xs: [5.0, 1.0, 4.0, 2.0, 3.0, 100.0, 7.5],
                    expected: [1.0, 100.0, 17.5, 4.0, 36.440590920931385, 2.082319481196079,
                               44.500000000000036, 94.44999999999996, -16.201925579420525, 51.201925579420525]),
        SummaryCase(xs: [42.0],
                    expected: [42.0, 42.0, 42.0, 42.0, 0.0, 0.0, 42.0, 42.0, 42.0, 42.0]),
    ]

    @Test("summarize matches numpy/scipy", arguments: summaryCases)
    func summarize(_ c: SummaryCase) {
        let s = Statistics.summarize(c.xs)
        #expect(s.n == c.xs.count)
        let got = [s.min, s.max, s.mean, s.median, s.stddev, s.cv, s.p90, s.p99, s.ci95Low, s.ci95High]
        for (g, e) in zip(got, c.expected) { close(g, e, rel: 1e-12) }
    }

    @Test func summarizeEmptyAndConstant() {
        let e = Statistics.summarize([])
        #expect(e.n == 0 && e.mean == 0 && e.stddev == 0)
        let k = Statistics.summarize([7, 7, 7, 7])
        #expect(k.stddev == 0 && k.cv == 0 && k.ci95Low == 7 && k.ci95High == 7 && k.p99 == 7)
        let z = Statistics.summarize([0, 0])
        #expect(z.cv == 0)
    }

    @Test func percentileEnds() {
        let s = [1.0, 2.0, 3.0, 4.0]
        #expect(Statistics.percentile(sorted: s, 0) == 1)
        #expect(Statistics.percentile(sorted: s, 100) == 4)
        #expect(Statistics.percentile(sorted: s, 50) == 2.5)
    }

    struct CDFCase: Sendable { var x: Double; var df: Double; var p: Double }
    static let cdfCases: [CDFCase] = [
        CDFCase(x: 0.0, df: 1, p: 0.5),
        CDFCase(x: 1.0, df: 1, p: 0.75),
        CDFCase(x: -2.5, df: 3, p: 0.04385332350403278),
        CDFCase(x: 2.0, df: 4.5, p: 0.9458710464094375),
        CDFCase(x: 1.7, df: 10, p: 0.9400153270454898),
        CDFCase(x: -0.3, df: 29.7, p: 0.3831334511468856),
        CDFCase(x: 4.0, df: 2, p: 0.9714045207910317),
        CDFCase(x: 3.0, df: 100, p: 0.9982960423283352),
        CDFCase(x: -8.0, df: 5, p: 0.0002464533302862221),
        CDFCase(x: -12.0, df: 3, p: 0.0006225079003946681),
        CDFCase(x: 0.001, df: 50, p: 0.5003969526122491),
    ]

    @Test("t CDF matches scipy.stats.t.cdf", arguments: cdfCases)
    func tCDF(_ c: CDFCase) {
        close(Statistics.tCDF(c.x, degreesOfFreedom: c.df), c.p)
    }

    @Test func tFarTail() {
        // scipy.stats.t.sf(30.0, 7.5)
        close(Statistics.tUpperTail(30, 7.5), 2.1873667050518222e-09)
        #expect(Statistics.tCDF(.infinity, degreesOfFreedom: 3) == 1)
        #expect(Statistics.tCDF(-.infinity, degreesOfFreedom: 3) == 0)
        #expect(Statistics.tCDF(1, degreesOfFreedom: 0).isNaN)
    }

    struct PPFCase: Sendable { var q: Double; var df: Double; var t: Double }
    static let ppfCases: [PPFCase] = [
        PPFCase(q: 0.975, df: 1, t: 12.706204736174694),
        PPFCase(q: 0.975, df: 2, t: 4.302652729749462),
        PPFCase(q: 0.975, df: 5, t: 2.5705818356363146),
        PPFCase(q: 0.975, df: 9, t: 2.262157162798205),
        PPFCase(q: 0.975, df: 29, t: 2.045229642132703),
        PPFCase(q: 0.995, df: 3, t: 5.840909309733355),
        PPFCase(q: 0.9, df: 7.3, t: 1.4089223177480423),
        PPFCase(q: 0.025, df: 12, t: -2.1788128296672293),
        PPFCase(q: 0.5, df: 4, t: 0.0),
        PPFCase(q: 0.999, df: 1000, t: 3.0984021639129233),
        PPFCase(q: 0.975, df: 2.5, t: 3.5746548420036817),
        PPFCase(q: 1e-10, df: 4, t: -416.1751403296041),
        PPFCase(q: 0.9999999, df: 2.2, t: 1180.3553506107442),
    ]

    @Test("t quantile matches scipy.stats.t.ppf", arguments: ppfCases)
    func tQuantile(_ c: PPFCase) {
        // The last case's q = 0.9999999 carries ~1e-10 relative
        // representation error in 1 - q; everything else is at 1e-12.
        close(Statistics.tQuantile(c.q, degreesOfFreedom: c.df), c.t, rel: c.q > 0.99999 ? 1e-8 : 1e-12)
    }

    @Test func tQuantileInvertsCDF() {
        for df in [1.0, 2.7, 8, 40] {
            for p in [0.01, 0.2, 0.6, 0.95] {
                let t = Statistics.tQuantile(p, degreesOfFreedom: df)
                close(Statistics.tCDF(t, degreesOfFreedom: df), p, rel: 1e-12)
            }
        }
        #expect(Statistics.tQuantile(0, degreesOfFreedom: 3) == -.infinity)
        #expect(Statistics.tQuantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(Statistics.tQuantile(1.5, degreesOfFreedom: 3).isNaN)
    }

    struct WelchCase: Sendable { var a: [Double]; var b: [Double]; var t: Double; var p: Double; var df: Double }
    static let welchCases: [WelchCase] = [
        WelchCase(a: [10.2, 11.5, 9.8, 10.9, 10.4, 11.1], b: [12.0, 12.4, 11.7, 12.9, 12.2],
                  t: -4.873694385382053, p: 0.0009204330244570715, df: 8.857685363933813),
        // tiny samples: n = 2 against n = 3
        WelchCase(a: [1.0, 2.0], b: [1.5, 3.5, 2.0],
                  t: -1.0660035817780522, p: 0.36641766020410044, df: 2.9244712990936566),
        // nearly equal means
        WelchCase(a: [1000, 1020, 990, 1010, 1005, 995, 1015, 985],
                  b: [1002, 1018, 992, 1008, 1007, 993, 1013, 987, 1001],
                  t: 0.030192333931951556, p: 0.9763466851824717, df: 13.7768969913247),
        // very different variances
        WelchCase(a: [1, 2, 3, 4, 5], b: [10, 30, 50, 70, 90, 110],
                  t: -3.72753427355312, p: 0.013500427808626406, df: 5.021422708670678),
        // zero variance in one sample: d.o.f. is the other's n - 1
        WelchCase(a: [3, 3, 3], b: [1, 2, 3, 4],
                  t: 0.7745966692414834, p: 0.4950253460597111, df: 3.0),
        // far apart: p in the 1e-24 range, still relative 1e-9
        WelchCase(a: (0..<10).map { 100 + Double($0) }, b: (0..<10).map { 200 + Double($0) },
                  t: -73.85489458759963, p: 8.368872570703189e-24, df: 18.0),
    ]

    @Test("Welch matches scipy.stats.ttest_ind(equal_var=False)", arguments: welchCases)
    func welch(_ c: WelchCase) throws {
        let r = try #require(Statistics.welch(c.a, c.b))
        close(r.t, c.t)
        close(r.degreesOfFreedom, c.df)
        close(r.p, c.p)
        // Symmetric in its arguments except for the sign of t.
        let s = try #require(Statistics.welch(c.b, c.a))
        close(s.t, -c.t)
        close(s.p, c.p)
    }

    @Test func welchDegenerate() throws {
        // n < 2 in either sample: untestable.
        #expect(Statistics.welch([1], [1, 2, 3]) == nil)
        #expect(Statistics.welch([1, 2], [5]) == nil)
        #expect(Statistics.welch([], []) == nil)
        // Both zero variance, equal means: p = 1.
        let same = try #require(Statistics.welch([4, 4, 4], [4, 4]))
        #expect(same.p == 1 && same.t == 0 && same.degreesOfFreedom == 3)
        // Both zero variance, different means: p = 0, t = +-inf.
        let diff = try #require(Statistics.welch([4, 4, 4], [5, 5]))
        #expect(diff.p == 0 && diff.t == -.infinity)
        // Identical non-constant samples: t = 0, p = 1.
        let eq = try #require(Statistics.welch([1, 2, 3], [1, 2, 3]))
        #expect(eq.t == 0)
        close(eq.p, 1, rel: 1e-15)
    }

    @Test func incompleteBetaKnownValues() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_0.5(a, a) = 0.5.
        close(Statistics.regularizedIncompleteBeta(0.3, a: 1, b: 1), 0.3, rel: 1e-14)
        close(Statistics.regularizedIncompleteBeta(0.7, a: 3, b: 1), 0.343, rel: 1e-14)
        close(Statistics.regularizedIncompleteBeta(0.5, a: 7.5, b: 7.5), 0.5, rel: 1e-14)
        #expect(Statistics.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(Statistics.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
    }

    // MARK: Mann-Whitney U

    struct MWUCase: Sendable {
        var name: String
        var a: [Double]
        var b: [Double]
        var u: Double
        var p: Double
        var method: Statistics.MannWhitneyResult.Method
    }

    static let mid = (0..<20).map { 100 + 7.3 * sin(Double($0)) + Double($0) * 0.11 }
    static let midB = (0..<25).map { 102 + 6.1 * cos(Double($0)) + Double($0) * 0.07 }
    static let large = (0..<60).map { 1000 + 37 * sin(Double($0) * 1.3) }
    static let largeB = (0..<55).map { 1008 + 41 * cos(Double($0) * 0.7) }

    static let mwuCases: [MWUCase] = [
        // Fully separated, no ties: exact, 2 / C(11, 5).
        MWUCase(name: "separated", a: [10.2, 11.5, 9.8, 10.9, 10.4, 11.1], b: [12.0, 12.4, 11.7, 12.9, 12.2],
                u: 0, p: 0.004329004329004329, method: .exact),
        MWUCase(name: "overlap", a: [1.1, 2.3, 3.7, 4.2, 5.9, 6.4, 7.5], b: [2.9, 4.8, 5.1, 6.6, 8.2, 9.0, 9.9, 10.5],
                u: 12, p: 0.0721056721056721, method: .exact),
        // Ties: tie-corrected normal approximation with continuity correction.
        MWUCase(name: "ties", a: [1, 2, 2, 3, 3, 3, 4, 5], b: [3, 4, 4, 5, 5, 6, 7, 7, 8],
                u: 7.5, p: 0.006373133838085873, method: .normal),
        // 20 against 25, no ties: exact.
        MWUCase(name: "mid", a: mid, b: midB, u: 196, p: 0.22413583133346746, method: .exact),
        // 60 against 55: beyond the exact limit, normal approximation.
        MWUCase(name: "large", a: large, b: largeB, u: 1301, p: 0.051030238655280356, method: .normal),
    ]

    @Test("Mann-Whitney U matches scipy.stats.mannwhitneyu", arguments: mwuCases)
    func mannWhitney(_ c: MWUCase) throws {
        let r = try #require(Statistics.mannWhitney(c.a, c.b))
        #expect(r.method == c.method, "\(c.name)")
        close(r.u, c.u)
        close(r.p, c.p, rel: 1e-10)
        // Two-sided: the same p with the samples swapped; U is the other one.
        let s = try #require(Statistics.mannWhitney(c.b, c.a))
        close(s.p, c.p, rel: 1e-10)
        close(s.u, Double(c.a.count * c.b.count) - c.u)
    }

    @Test func mannWhitneyDegenerate() throws {
        #expect(Statistics.mannWhitney([1], [1, 2, 3]) == nil)
        // Everything tied: no evidence, p = 1 (SciPy: clipped to 1 too).
        let tied = try #require(Statistics.mannWhitney([4, 4, 4], [4, 4]))
        #expect(tied.p == 1 && tied.method == .normal)
        // The exact distribution sums to 1 and is symmetric.
        let d = Statistics.uDistribution(7, 9)
        close(d.reduce(0, +), 1, rel: 1e-14)
        for u in 0...63 { close(d[u], d[63 - u], rel: 1e-12) }
    }

    // MARK: Benjamini-Hochberg

    @Test func benjaminiHochbergMatchesSciPy() {
        let q = Statistics.benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.04, 0.0001])
        let expected = [0.026666666666666665, 0.05333333333333333, 0.05333333333333333, 0.02, 0.5,
                        0.22857142857142856, 0.05333333333333333, 0.0008]
        for (g, e) in zip(q, expected) { close(g, e, rel: 1e-14) }
        let q2 = Statistics.benjaminiHochberg([0.9, 0.02, 0.021, 0.8])
        for (g, e) in zip(q2, [0.9, 0.042, 0.042, 0.9]) { close(g, e, rel: 1e-14) }
        #expect(Statistics.benjaminiHochberg([]).isEmpty)
        #expect(Statistics.benjaminiHochberg([0.7]) == [0.7])
    }

    // MARK: Fieller

    struct FiellerCase: Sendable { var base: [Double]; var new: [Double]; var expected: [Double] }   // ratio, low, high, df
    static let fiellerCases: [FiellerCase] = [
        FiellerCase(base: [10.2, 11.5, 9.8, 10.9, 10.4, 11.1], new: [12.0, 12.4, 11.7, 12.9, 12.2],
                    expected: [1.1492957746478871, 1.0759778421972968, 1.229598270350146, 8.454999408736324]),
        FiellerCase(base: [1.1, 2.3, 3.7, 4.2, 5.9, 6.4, 7.5], new: [2.9, 4.8, 5.1, 6.6, 8.2, 9.0, 9.9, 10.5],
                    expected: [1.6036977491961413, 0.9709227960674154, 2.9665217897211704, 10.924630654633257]),
        FiellerCase(base: mid, new: midB,
                    expected: [1.0171691439699686, 0.9887308009568532, 1.0466527666758838, 37.39966693304609]),
    ]

    @Test("Fieller ratio interval matches the reference", arguments: fiellerCases)
    func fieller(_ c: FiellerCase) throws {
        let r = try #require(Statistics.fiellerRatio(base: c.base, new: c.new))
        close(r.ratio, c.expected[0], rel: 1e-12)
        close(r.low, c.expected[1], rel: 1e-10)
        close(r.high, c.expected[2], rel: 1e-10)
        close(r.degreesOfFreedom, c.expected[3], rel: 1e-10)
        #expect(r.low < r.ratio && r.ratio < r.high)
    }

    @Test func fiellerDegenerate() throws {
        #expect(Statistics.fiellerRatio(base: [1], new: [1, 2]) == nil)
        #expect(Statistics.fiellerRatio(base: [0, 0], new: [1, 2]) == nil)
        // A baseline mean not distinguishable from 0: unbounded, nil.
        #expect(Statistics.fiellerRatio(base: [-1, 1.2], new: [1, 2]) == nil)
        let point = try #require(Statistics.fiellerRatio(base: [2, 2, 2], new: [3, 3]))
        #expect(point.ratio == 1.5 && point.low == 1.5 && point.high == 1.5)
    }

    // MARK: Float samples

    /// Integer nanoseconds moved a p-value by 14% on a ~300 ns case (issue
    /// 9): float samples keep what separates 300.2 from 300.6 ns.
    /// SciPy 1.17.1 on exactly these floats (built the same way in Python):
    ///   scipy.stats.ttest_ind(a, b, equal_var=False)
    ///     -> t -5.333333333333654, p 9.08772016332229e-06, df 30.0
    ///   scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic')
    ///     -> U 24.0, p 9.362897688711374e-05
    /// and on the samples rounded to integers Welch gives p 0.00015836951462202715.
    @Test func subNanosecondDifferencesSurvive() throws {
        let off = ReportFixtures.offsets
        let a = (0..<16).map { 300.2 + 0.3 * off[$0 % 8] }
        let b = (0..<16).map { 300.6 + 0.3 * off[($0 + 3) % 8] }
        let w = try #require(Statistics.welch(a, b))
        close(w.t, -5.333333333333654, rel: 1e-9)
        close(w.p, 9.08772016332229e-06, rel: 1e-7)
        close(w.degreesOfFreedom, 30, rel: 1e-9)
        let u = try #require(Statistics.mannWhitney(a, b))
        close(u.u, 24)
        close(u.p, 9.362897688711374e-05, rel: 1e-10)
        // Python's round() is round-half-even.
        let rounded = try #require(Statistics.welch(a.map { $0.rounded(.toNearestOrEven) }, b.map { $0.rounded(.toNearestOrEven) }))
        close(rounded.p, 0.00015836951462202715, rel: 1e-9)

    }
}
