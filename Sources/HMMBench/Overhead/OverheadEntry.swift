import Foundation

/// One operation compared: both tools' statistics, the ratio of medians
/// with its bootstrap interval, and the ratio of CVs.
public struct OverheadEntry: Codable, Equatable, Sendable {
    public var op: OverheadOp
    /// The hmmbench flow that did the work.
    public var flow: String
    public var reference: SampleStats
    public var hmmbench: SampleStats
    /// hmmbench median / reference median: 1.0 means no harness overhead.
    /// Nil when the reference median is not positive.
    public var ratioMedian: Double?
    /// The bootstrap interval of `ratioMedian` (see `BootstrapInterval`).
    public var ratioMedianCI: BootstrapInterval?
    /// hmmbench mean / reference mean.
    public var ratioMean: Double?
    /// hmmbench CV / reference CV: how much noise the harness adds.
    public var ratioCV: Double?
    /// hmmbench's interquartile range over its median / the reference's:
    /// the spread of the middle half, which a few slow repetitions (that
    /// decide a CV of a few hundred samples) do not move. Nil in files
    /// written before 3 December 2026.
    public var ratioIQR: Double?
    /// The flow's own check (pages where they should be) after timing.
    public var hmmbenchCheck: FlowCheck?
    /// Every sample, nanoseconds, in run order (blocks concatenated).
    public var referenceSamplesNs: [UInt64]
    public var hmmbenchSamplesNs: [Double]

    public init(op: OverheadOp, referenceSamplesNs: [UInt64], hmmbenchSamplesNs: [Double], hmmbenchCheck: FlowCheck? = nil,
                resamples: Int = BootstrapInterval.defaultResamples, seed: UInt64 = BootstrapInterval.defaultSeed) {
        self.op = op
        flow = op.flow
        self.referenceSamplesNs = referenceSamplesNs
        self.hmmbenchSamplesNs = hmmbenchSamplesNs
        // Not `.map(Double.init)`: on [UInt64] that picks Double(bitPattern:).
        let ref = referenceSamplesNs.map { Double($0) }
        reference = Statistics.summarize(ref)
        hmmbench = Statistics.summarize(hmmbenchSamplesNs)
        ratioMedian = Self.ratio(hmmbench.median, reference.median)
        ratioMedianCI = BootstrapInterval.ratioOfMedians(ref, hmmbenchSamplesNs, resamples: resamples, seed: seed)
        ratioMean = Self.ratio(hmmbench.mean, reference.mean)
        ratioCV = Self.ratio(hmmbench.cv, reference.cv)
        ratioIQR = Self.iqrRatio(reference: ref, hmmbench: hmmbenchSamplesNs)
        self.hmmbenchCheck = hmmbenchCheck
    }

    /// `hmmbench / reference`, nil unless both are finite and the
    /// reference is positive.
    public static func ratio(_ hmmbench: Double, _ reference: Double) -> Double? {
        guard reference > 0, reference.isFinite, hmmbench.isFinite else { return nil }
        return hmmbench / reference
    }

    /// `ratioIQR`, from the samples (files without the field have them).
    public var middleHalfRatio: Double? {
        ratioIQR ?? Self.iqrRatio(reference: referenceSamplesNs.map { Double($0) }, hmmbench: hmmbenchSamplesNs)
    }

    static func iqrRatio(reference: [Double], hmmbench: [Double]) -> Double? {
        ratio(relativeIQR(hmmbench), relativeIQR(reference))
    }

    /// (p75 - p25) / median, 0 for an empty sample.
    static func relativeIQR(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        let m = Statistics.percentile(sorted: s, 50)
        guard m > 0 else { return 0 }
        return (Statistics.percentile(sorted: s, 75) - Statistics.percentile(sorted: s, 25)) / m
    }

    /// Repetitions slower than `factor` times their tool's median:
    /// (reference, hmmbench).
    public func slowRepetitions(factor: Double = OverheadEntry.slowFactor) -> (reference: Int, hmmbench: Int) {
        (referenceSamplesNs.filter { Double($0) > factor * reference.median }.count,
         hmmbenchSamplesNs.filter { $0 > factor * hmmbench.median }.count)
    }

    /// What `slowRepetitions` counts as slow.
    public static let slowFactor = 1.25

    /// The target: the median ratio's interval inside
    /// 1.00 +- `tolerance` and hmmbench's CV at most `cvFactor` times the
    /// reference's. Nil when there is no interval or CV ratio.
    public func meetsTarget(tolerance: Double = 0.01, cvFactor: Double = 1.5) -> Bool? {
        guard let ci = ratioMedianCI else { return nil }
        let cvOK: Bool
        if let r = ratioCV { cvOK = r <= cvFactor } else { cvOK = hmmbench.cv == 0 && reference.cv == 0 }
        return ci.low >= 1 - tolerance && ci.high <= 1 + tolerance && cvOK
    }

    /// Whether the interval lies wholly above `limit` (hmmbench slower
    /// than the C loop beyond doubt).
    public func exceeds(_ limit: Double) -> Bool { (ratioMedianCI?.low ?? 0) > limit }

    enum CodingKeys: String, CodingKey {
        case op, flow, reference, hmmbench
        case ratioMedian = "ratio_median"
        case ratioMedianCI = "ratio_median_ci"
        case ratioMean = "ratio_mean"
        case ratioCV = "ratio_cv"
        case ratioIQR = "ratio_iqr"
        case hmmbenchCheck = "hmmbench_check"
        case referenceSamplesNs = "reference_samples_ns"
        case hmmbenchSamplesNs = "hmmbench_samples_ns"
    }
}
