/// The test of one result between the baseline and one other run, done
/// once, on the time samples (throughput comes from the same samples, so
/// testing it again would count one difference twice).
///
/// Two tests must both see the difference: Welch's t-test (the means) and
/// the Mann-Whitney U test (the ranks, robust to the few very slow
/// repetitions migration times have). `p` is the larger of their p-values;
/// `q` is its Benjamini-Hochberg adjustment over every test of the
/// comparison. A change is called when q <= alpha, and, for a NOISY pair
/// (a run's CV above the threshold), only when the change is also larger
/// than the larger of the two standard deviations: the size of the change
/// against the spread decides, not the CV alone.
public struct PairTest: Codable, Equatable, Sendable {
    /// The non-baseline run's label.
    public var run: String
    /// nil when either run has fewer than 2 samples.
    public var welch: Statistics.WelchResult?
    public var mannWhitney: Statistics.MannWhitneyResult?
    /// max(Welch p, Mann-Whitney p); nil when untestable.
    public var p: Double?
    /// Benjamini-Hochberg adjusted `p` over all tests of the comparison.
    public var q: Double?
    /// The baseline's or this run's time CV exceeds the noise threshold.
    public var noisy: Bool
    /// |mean - baseline mean| / max(baseline stddev, stddev): the change
    /// in standard deviations; nil when untestable or both are constant.
    public var changeInSD: Double?
    /// The change is called.
    public var significant: Bool
    /// For time: "better", "worse", "no change", "noisy", "untestable".
    public var verdict: String

    enum CodingKeys: String, CodingKey {
        case run
        case welch
        case mannWhitney = "mann_whitney"
        case p, q, noisy
        case changeInSD = "change_in_sd"
        case significant, verdict
    }
}

/// The per-pair numbers of a comparison: cells, tests and verdicts.
enum PairStatistics {
    /// The test of `new` against `base` (time samples), before the
    /// false-discovery control sets `q` and the verdict.
    static func test(run: String, base: MetricSample, new: MetricSample, noiseCV: Double) -> PairTest {
        let a = ReportedStats(base.stats), b = ReportedStats(new.stats)
        let noisy = [a.cv, b.cv].contains { ($0 ?? 0) > noiseCV }
        let welch = Statistics.welch(base.values, new.values)
        let mw = Statistics.mannWhitney(base.values, new.values)
        var p: Double?
        if let w = welch, let u = mw { p = Swift.max(w.p, u.p) }
        var inSD: Double?
        if p != nil, let sa = a.stddev, let sb = b.stddev, Swift.max(sa, sb) > 0 {
            inSD = abs(b.mean - a.mean) / Swift.max(sa, sb)
        }
        return PairTest(run: run, welch: welch, mannWhitney: mw, p: p, q: nil, noisy: noisy, changeInSD: inSD,
                        significant: false, verdict: p == nil ? "untestable" : "no change")
    }

    /// Sets `q`, `significant` and `verdict` of every test: BH over all of
    /// them at `alpha`. `timeWentUp(i)` says whether test i's time mean
    /// went up (true), down (false) or stayed (nil).
    static func decide(_ tests: inout [PairTest], alpha: Double, timeWentUp: (Int) -> Bool?) {
        let tested = tests.indices.filter { tests[$0].p != nil }
        let qs = Statistics.benjaminiHochberg(tested.map { tests[$0].p! })
        for (k, i) in tested.enumerated() {
            tests[i].q = qs[k]
            let up = timeWentUp(i)
            let discovered = qs[k] <= alpha && up != nil
            let bigEnough = !tests[i].noisy || (tests[i].changeInSD ?? 0) >= 1
            if discovered && bigEnough {
                tests[i].significant = true
                tests[i].verdict = up! ? "worse" : "better"
            } else {
                tests[i].verdict = tests[i].noisy ? "noisy" : "no change"
            }
        }
    }

    /// One run's cell for one metric; `base` is the baseline's (nil for
    /// the baseline's own cell).
    static func cell(run: String, _ sample: MetricSample, base: MetricSample?) -> MetricCell {
        let s = ReportedStats(sample.stats)
        var c = MetricCell(run: run, n: s.n, mean: s.mean, median: s.median, stddev: s.stddev, cv: s.cv,
                           changePct: nil, changeCI95Low: nil, changeCI95High: nil, significant: false,
                           verdict: "baseline")
        guard let base else { return c }
        let b = base.stats.mean
        c.changePct = b == 0 ? nil : (s.mean - b) / b * 100
        if let ci = Statistics.fiellerRatio(base: base.values, new: sample.values) {
            c.changeCI95Low = (ci.low - 1) * 100
            c.changeCI95High = (ci.high - 1) * 100
        }
        return c
    }

    /// A metric cell's verdict from its pair's test: the test's call, in
    /// the direction of this metric's own change.
    static func apply(_ t: PairTest, to c: inout MetricCell, lowerIsBetter: Bool, baseMean: Double) {
        c.significant = t.significant
        guard t.significant else { c.verdict = t.verdict; return }
        let worse = lowerIsBetter ? c.mean > baseMean : c.mean < baseMean
        c.verdict = worse ? "worse" : "better"
    }
}
