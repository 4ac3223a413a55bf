/// The one line `compare` prints first: of every result and run against
/// the baseline, how many got better, worse, stayed within the noise (no
/// change called, NOISY included) or could not be tested (fewer than 2
/// samples), and how many measurements failed (a failed entry, or a
/// result whose post-check failed).
public struct CompareSummary: Codable, Equatable, Sendable {
    public var better: Int
    public var worse: Int
    public var withinNoise: Int
    public var untestable: Int
    public var failed: Int
    /// The baseline's label ("A").
    public var baseline: String

    public init(better: Int, worse: Int, withinNoise: Int, untestable: Int, failed: Int, baseline: String) {
        self.better = better
        self.worse = worse
        self.withinNoise = withinNoise
        self.untestable = untestable
        self.failed = failed
        self.baseline = baseline
    }

    /// The counts of `c`'s results and outcomes.
    public init(_ c: Comparison) {
        var counts: [String: Int] = [:]
        for r in c.results {
            for t in r.tests { counts[t.verdict, default: 0] += 1 }
        }
        better = counts["better"] ?? 0
        worse = counts["worse"] ?? 0
        withinNoise = (counts["no change"] ?? 0) + (counts["noisy"] ?? 0)
        untestable = counts["untestable"] ?? 0
        failed = c.outcomes.filter { $0.kind == .failed }.count + c.results.map(\.checkFailed.count).reduce(0, +)
        baseline = c.runs.first?.label ?? "A"
    }

    /// "Against A: 2 better, 1 worse, 9 within noise, 0 failed." (the
    /// untestable count only when there are some).
    public var line: String {
        var parts = ["\(better) better", "\(worse) worse", "\(withinNoise) within noise"]
        if untestable > 0 { parts.append("\(untestable) untestable") }
        parts.append("\(failed) failed")
        return "Against \(baseline): " + parts.joined(separator: ", ") + "."
    }

    /// The same counts as `--format metrics` lines.
    public var metricsLines: [String] {
        [("better", better), ("worse", worse), ("within_noise", withinNoise), ("untestable", untestable), ("failed", failed)]
            .map { "summary.\($0.0): \($0.1)" }
    }

    enum CodingKeys: String, CodingKey {
        case better, worse
        case withinNoise = "within_noise"
        case untestable, failed, baseline
    }
}
