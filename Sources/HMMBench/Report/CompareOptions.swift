/// What `compare` is asked to do beyond the files.
public struct CompareOptions: Sendable {
    /// The false discovery rate: a change is called when its
    /// Benjamini-Hochberg q (over every test of the comparison) is at most
    /// this.
    public var alpha: Double = 0.05
    /// A run whose coefficient of variation exceeds this is NOISY: a change
    /// against it is called only when it is also larger than the larger of
    /// the two standard deviations.
    public var noiseCV: Double = 0.10
    /// Compare simulated with kernel runs anyway (with a banner).
    public var allowMixed: Bool = false
    /// Fail (exit 1) when a significant regression exceeds this many
    /// percent on any metric.
    public var failOnRegressionPct: Double?
    /// Let simulated results trip the regression gate (by default they
    /// never do: simulated numbers are not kernel numbers).
    public var gateSimulated: Bool = false
    /// Files per run: each run is this many rounds (boots) of one kernel,
    /// pooled (`Comparison.build(rounds:options:)`); run A's rounds first.
    public var rounds: Int = 1
    /// What `--format review` names as the box and as the command that
    /// reproduces the comparison.
    public var box: String?
    public var command: String?
    /// What of the comparison is shown (--flow, --metric, --changed-only).
    public var filter: CompareFilter = CompareFilter()

    public init(alpha: Double = 0.05, noiseCV: Double = 0.10, allowMixed: Bool = false, failOnRegressionPct: Double? = nil,
                gateSimulated: Bool = false, filter: CompareFilter = CompareFilter()) {
        self.alpha = alpha
        self.noiseCV = noiseCV
        self.allowMixed = allowMixed
        self.failOnRegressionPct = failOnRegressionPct
        self.gateSimulated = gateSimulated
        self.filter = filter
    }

    /// Throws a usage error for values that make no sense.
    public func validate() throws {
        guard alpha > 0, alpha < 1 else { throw HMMBenchError.usage("--alpha must be between 0 and 1 (got \(alpha))") }
        guard noiseCV >= 0, noiseCV.isFinite else { throw HMMBenchError.usage("--noise-cv must be 0 or more (got \(noiseCV))") }
        guard rounds >= 1 else { throw HMMBenchError.usage("--rounds must be 1 or more (got \(rounds))") }
        if let p = failOnRegressionPct, !(p >= 0 && p.isFinite) {
            throw HMMBenchError.usage("--fail-on-regression must be a percentage of 0 or more (got \(p))")
        }
        try filter.validate()
    }
}
