/// Summary statistics of a sample (nanoseconds for times).
public struct SampleStats: Codable, Equatable, Sendable {
    public var n: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    public var median: Double
    /// Sample standard deviation (n - 1 denominator); 0 for n < 2.
    public var stddev: Double
    /// stddev / mean; 0 when the mean is 0.
    public var cv: Double
    /// Percentiles, linear interpolation between order statistics (the
    /// definition numpy.percentile uses by default).
    public var p90: Double
    public var p99: Double
    /// 95% confidence interval of the mean (Student's t, n - 1 d.o.f.);
    /// equal to the mean for n < 2.
    public var ci95Low: Double
    public var ci95High: Double

    public init(n: Int, min: Double, max: Double, mean: Double, median: Double, stddev: Double, cv: Double,
                p90: Double, p99: Double, ci95Low: Double, ci95High: Double) {
        self.n = n
        self.min = min
        self.max = max
        self.mean = mean
        self.median = median
        self.stddev = stddev
        self.cv = cv
        self.p90 = p90
        self.p99 = p99
        self.ci95Low = ci95Low
        self.ci95High = ci95High
    }

    enum CodingKeys: String, CodingKey {
        case n, min, max, mean, median, stddev, cv, p90, p99
        case ci95Low = "ci95_low"
        case ci95High = "ci95_high"
    }
}

/// Throughput of a flow: binary GiB per second and pages per second,
/// summarised over the per-sample rates.
public struct Throughput: Codable, Equatable, Sendable {
    /// Statistics of bytesPerOp / sample time, in GiB/s (2^30 bytes).
    public var gibPerS: SampleStats
    /// Statistics of pagesPerOp / sample time.
    public var pagesPerS: SampleStats

    /// Summaries of the per-sample rates (see `rates`).
    public init(samplesNs: [Double], bytesPerOp: Int, pagesPerOp: Int, pagesDone: [Int]? = nil) {
        let r = Self.rates(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp, pagesDone: pagesDone)
        gibPerS = Statistics.summarize(r.gibPerS)
        pagesPerS = Statistics.summarize(r.pagesPerS)
    }

    /// GiB/s and pages/s of each sample. With `pagesDone` (one entry per
    /// sample), a sample's work is its pages done, and its bytes those
    /// pages times `bytesPerOp / pagesPerOp`: only work the kernel did
    /// counts.
    public static func rates(samplesNs: [Double], bytesPerOp: Int, pagesPerOp: Int,
                             pagesDone: [Int]?) -> (gibPerS: [Double], pagesPerS: [Double]) {
        guard let done = pagesDone, done.count == samplesNs.count, pagesPerOp > 0 else {
            return (perSecond(samplesNs, Double(bytesPerOp) / 1_073_741_824), perSecond(samplesNs, Double(pagesPerOp)))
        }
        let gibPerPage = Double(bytesPerOp) / Double(pagesPerOp) / 1_073_741_824
        let seconds = samplesNs.map { Swift.max($0, 1) / 1e9 }
        return (zip(done, seconds).map { Double($0) * gibPerPage / $1 }, zip(done, seconds).map { Double($0) / $1 })
    }

    /// `amount` per second for each sample (a sample under 1 ns counts as 1 ns).
    public static func perSecond(_ samplesNs: [Double], _ amount: Double) -> [Double] {
        samplesNs.map { amount / (Swift.max($0, 1) / 1e9) }
    }

    enum CodingKeys: String, CodingKey {
        case gibPerS = "gib_per_s"
        case pagesPerS = "pages_per_s"
    }
}
