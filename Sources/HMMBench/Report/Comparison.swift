/// Two or more runs compared with the first: per matched result each
/// run's summary and change with its confidence interval, one significance
/// test per result and run, the false-discovery control over all of them,
/// and around them the environment differences, unmatched results and
/// every failed or skipped entry. Built by `Comparison.build`
/// (ComparisonBuilder.swift).
public struct Comparison: Codable, Equatable, Sendable {
    public var runs: [RunHeader]
    /// The false discovery rate changes are called at.
    public var alpha: Double
    public var noiseCV: Double
    /// True when simulated and kernel numbers are compared (--allow-mixed).
    public var mixedBackends: Bool
    /// Loud lines every format prints first (mixed backends, simulated,
    /// TCG, incomplete runs).
    public var banners: [String]
    /// One line per environment aspect that differs between runs.
    public var environmentDifferences: [String]
    public var results: [ComparedResult]
    /// Results that could not be matched, per file; never dropped silently.
    public var unmatched: [UnmatchedResult]
    /// Every failed and skipped entry of every run, a row each.
    public var outcomes: [OutcomeEntry]
    /// How many tests were run and what chance alone would give.
    public var multipleTesting: MultipleTesting
    /// The --fail-on-regression verdict, when asked for.
    public var gate: RegressionGate?
    /// Boots pooled into each run (`compare --rounds N`); 1 otherwise.
    public var rounds: Int = 1
    /// The box the runs ran on, as the caller names it (`compare --box`);
    /// nil: the runs' recorded CPU model stands for it.
    public var box: String?
    /// The command that reproduces the comparison (`compare --command`,
    /// e.g. the bench/vm/run line); `compare` sets its own otherwise.
    public var command: String?

    /// The banner `--allow-mixed` prints.
    public static let mixedBanner = "MIXED BACKENDS: simulated numbers are not kernel numbers"

    enum CodingKeys: String, CodingKey {
        case runs, alpha
        case noiseCV = "noise_cv"
        case mixedBackends = "mixed_backends"
        case banners
        case environmentDifferences = "environment_differences"
        case results, unmatched, outcomes
        case multipleTesting = "multiple_testing"
        case gate, rounds, box, command
    }
}

/// The multiple-testing account of a comparison: `tests` hypotheses (one
/// per matched result and non-baseline run with at least 2 samples each),
/// Benjamini-Hochberg at `alpha`.
public struct MultipleTesting: Codable, Equatable, Sendable {
    public var tests: Int
    public var alpha: Double
    /// tests * alpha: how many would reach p < alpha by chance alone if
    /// nothing changed.
    public var expectedByChance: Double
    /// Tests whose Benjamini-Hochberg q is at most alpha.
    public var discoveries: Int
    /// Changes called (discoveries that also pass the noise rule).
    public var called: Int
    /// discoveries * alpha: the expected number of false discoveries among
    /// them is at most this.
    public var expectedFalseDiscoveries: Double
    /// "benjamini-hochberg".
    public var method: String

    public init(tests: Int, alpha: Double, discoveries: Int, called: Int) {
        self.tests = tests
        self.alpha = alpha
        expectedByChance = Double(tests) * alpha
        self.discoveries = discoveries
        self.called = called
        expectedFalseDiscoveries = Double(discoveries) * alpha
        method = "benjamini-hochberg"
    }

    enum CodingKeys: String, CodingKey {
        case tests, alpha
        case expectedByChance = "expected_by_chance"
        case discoveries, called
        case expectedFalseDiscoveries = "expected_false_discoveries"
        case method
    }
}

/// One result (flow + params) present in the baseline and at least one
/// other run.
public struct ComparedResult: Codable, Equatable, Sendable {
    public var key: String
    public var flow: String
    public var params: [String: String]
    /// Some run's time CV exceeds the noise threshold.
    public var noisy: Bool
    /// Some run measured this result on the simulated backend. Such a
    /// result never trips the regression gate without --gate-simulated.
    public var simulated: Bool
    /// The largest time CV of any run with at least 2 samples; nil when
    /// none has.
    public var maxCV: Double?
    /// Labels of runs whose check of this result failed.
    public var checkFailed: [String]
    /// Labels of runs lacking this result (their failure or skip, if any,
    /// is in `Comparison.outcomes`).
    public var missingIn: [String]
    /// "time" then "throughput".
    public var metrics: [ComparedMetric]
    /// One test per non-baseline run that has the result, on the time
    /// samples; throughput's verdict is this test's.
    public var tests: [PairTest]
    /// The kernel counters per repetition in each run (reviewers' ones,
    /// then whatever moved): what explains a change in time.
    public var counters: [ComparedCounter] = []
    /// With --rounds: each run's between-boot and within-boot spread of
    /// the time, and each non-baseline run's change against the change
    /// boots alone make. Empty for one round.
    public var boots: [BootSpread] = []
    public var bootNoise: [BootNoise] = []
    /// The runs (by label) whose samples of this result fall into two
    /// modes: their mean, and so the test of means, mixes the two.
    public var modes: [String: ReportedModes] = [:]

    enum CodingKeys: String, CodingKey {
        case modes
        case key, flow, params, noisy, simulated
        case maxCV = "max_cv"
        case checkFailed = "check_failed"
        case missingIn = "missing_in"
        case metrics, tests, counters, boots
        case bootNoise = "boot_noise"
    }
}

/// One metric of a compared result across runs.
public struct ComparedMetric: Codable, Equatable, Sendable {
    /// "time" (per operation) or "throughput".
    public var name: String
    /// "ns" or "GiB/s".
    public var unit: String
    public var lowerIsBetter: Bool
    /// One cell per run that has the result, baseline first.
    public var cells: [MetricCell]

    enum CodingKeys: String, CodingKey {
        case name, unit
        case lowerIsBetter = "lower_is_better"
        case cells
    }
}

/// One run's numbers for one metric, against the baseline.
public struct MetricCell: Codable, Equatable, Sendable {
    public var run: String
    public var n: Int
    public var mean: Double
    public var median: Double
    /// nil for n < 2.
    public var stddev: Double?
    /// nil for n < 2 or a zero mean.
    public var cv: Double?
    /// (mean - baseline mean) / baseline mean * 100; nil for the baseline
    /// or when the baseline mean is 0.
    public var changePct: Double?
    /// 95% confidence interval of `changePct` (Fieller's interval for the
    /// ratio of means, see `Statistics.fiellerRatio`); nil for the baseline,
    /// n < 2 in either run, or an unbounded interval.
    public var changeCI95Low: Double?
    public var changeCI95High: Double?
    /// The result's test against the baseline called a change.
    public var significant: Bool
    /// "baseline", "better", "worse", "no change", "noisy" (not called:
    /// too noisy to tell) or "untestable" (fewer than 2 samples).
    public var verdict: String

    enum CodingKeys: String, CodingKey {
        case run, n, mean, median, stddev, cv
        case changePct = "change_pct"
        case changeCI95Low = "change_ci95_low"
        case changeCI95High = "change_ci95_high"
        case significant, verdict
    }
}

/// A result only some files have.
public struct UnmatchedResult: Codable, Equatable, Sendable {
    public var run: String
    public var file: String
    public var key: String
    /// "not in baseline", "only in baseline", "duplicate in file", with
    /// what the other runs recorded for it (failed or skipped) when any.
    public var reason: String
}
