/// A sample's summary as reports show it: like `SampleStats`, but what a
/// sample of fewer than 2 values cannot estimate (spread, confidence
/// interval) is nil, shown as "n/a", never as 0.
public struct ReportedStats: Codable, Equatable, Sendable {
    public var n: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    public var median: Double
    public var p90: Double
    public var p99: Double
    /// Sample standard deviation (n - 1); nil for n < 2.
    public var stddev: Double?
    /// stddev / mean; nil for n < 2 or a zero mean.
    public var cv: Double?
    /// 95% confidence interval of the mean (Student's t, n - 1 d.o.f.);
    /// nil for n < 2.
    public var ci95Low: Double?
    public var ci95High: Double?

    /// A result's carried summary (`FlowResult.stats`, `throughput`:
    /// computed once, by `Statistics.summarize`), dropping what n < 2
    /// cannot give. Reports never summarise samples themselves.
    public init(_ s: SampleStats) {
        n = s.n
        min = s.min
        max = s.max
        mean = s.mean
        median = s.median
        p90 = s.p90
        p99 = s.p99
        let estimable = s.n >= 2
        stddev = estimable ? s.stddev : nil
        cv = estimable && s.mean != 0 ? s.cv : nil
        ci95Low = estimable ? s.ci95Low : nil
        ci95High = estimable ? s.ci95High : nil
    }

    enum CodingKeys: String, CodingKey {
        case n, min, max, mean, median, p90, p99, stddev, cv
        case ci95Low = "ci95_low"
        case ci95High = "ci95_high"
    }
}
