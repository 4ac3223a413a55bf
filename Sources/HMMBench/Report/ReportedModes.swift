/// Two modes of a result's samples as `report` shows them (text and
/// JSON): how many repetitions fell in each and between, each mode's
/// median, and the counter that separates them, so that a bimodal result
/// is never read as its one mean.
public struct ReportedModes: Codable, Equatable, Sendable {
    public var lowCount: Int
    public var highCount: Int
    public var betweenCount: Int
    /// Median time of each mode, nanoseconds.
    public var lowMedianNs: Double
    public var highMedianNs: Double
    /// The counter (record name) whose per-repetition values separate the
    /// modes, and its mean in each; nil when none does.
    public var separatingCounter: String?
    public var counterLowMean: Double?
    public var counterHighMean: Double?

    public init(_ m: Modes) {
        lowCount = m.low.count
        highCount = m.high.count
        betweenCount = m.between.count
        lowMedianNs = m.lowMedian
        highMedianNs = m.highMedian
        separatingCounter = m.separatingCounter?.name
        counterLowMean = m.separatingCounter?.lowMean
        counterHighMean = m.separatingCounter?.highMean
    }

    /// The modes of `r`'s samples, matched against its per-repetition
    /// counters when those are of the timed repetitions (`--counters
    /// paired`: in the default mode they are of separate, counted ones);
    /// nil when the samples form one group.
    public init?(_ r: FlowResult) {
        let counters = r.counterMode == .paired ? r.counters.mapValues(\.perRepetition) : [:]
        guard let m = Modes.detect(r.samplesNs, counters: counters) else { return nil }
        self.init(m)
    }

    /// "two modes: 33 around 36.6 ms, 26 around 61.3 ms, 1 between;
    /// interrupts:CAL separates them (4 vs 1057 per repetition)", times in
    /// `time`'s units; without a separating counter, `noCounter` (when
    /// given) takes the counter's clause.
    public func describe(time: (Double) -> String,
                         noCounter: String? = "no recorded counter separates them") -> String {
        var s = "two modes: \(lowCount) around \(time(lowMedianNs)), \(highCount) around \(time(highMedianNs))"
        if betweenCount > 0 { s += ", \(betweenCount) between" }
        if let c = separatingCounter, let lo = counterLowMean, let hi = counterHighMean {
            s += "; \(c) separates them (\(Format.fixed(lo, 0)) vs \(Format.fixed(hi, 0)) per repetition)"
        } else if let noCounter {
            s += "; " + noCounter
        }
        return s
    }

    enum CodingKeys: String, CodingKey {
        case lowCount = "low_count"
        case highCount = "high_count"
        case betweenCount = "between_count"
        case lowMedianNs = "low_median_ns"
        case highMedianNs = "high_median_ns"
        case separatingCounter = "separating_counter"
        case counterLowMean = "counter_low_mean"
        case counterHighMean = "counter_high_mean"
    }
}
