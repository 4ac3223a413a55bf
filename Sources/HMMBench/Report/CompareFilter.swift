/// What `compare --flow`, `--metric` and `--changed-only` keep of a
/// comparison. Filters only hide rows: the statistics (Benjamini-Hochberg
/// over every test of the files) and the regression gate are those of the
/// whole comparison, so a filter can never make a change look more
/// significant or hide a regression from the exit code.
public struct CompareFilter: Equatable, Sendable {
    /// Keep results of these flows only (empty: every flow).
    public var flows: [String]
    /// Keep these metrics only, by `ComparedMetric.name` (empty: both).
    public var metrics: [String]
    /// Keep results with a called change (better or worse) or a failed
    /// post-check in some run. Failed, skipped and unmatched entries stay.
    public var changedOnly: Bool

    /// The metric names `--metric` takes.
    public static let metricNames = ["time", "throughput"]

    public init(flows: [String] = [], metrics: [String] = [], changedOnly: Bool = false) {
        self.flows = flows
        self.metrics = metrics
        self.changedOnly = changedOnly
    }

    /// True when nothing is filtered.
    public var isEmpty: Bool { flows.isEmpty && metrics.isEmpty && !changedOnly }

    /// Throws a usage error for a metric name that does not exist.
    public func validate() throws {
        for m in metrics where !Self.metricNames.contains(m) {
            throw HMMBenchError.usage("unknown metric '\(m)'", hint: "--metric takes one of \(Self.metricNames.joined(separator: ", "))")
        }
    }

    /// The flow of a match key ("flow k=v ...").
    static func flow(ofKey key: String) -> String {
        String(key.prefix { $0 != " " })
    }

    /// `c` restricted to the chosen flows, metrics and changes, and the
    /// summary of what the flow filter kept (counted before
    /// `--changed-only`, so the results it hides are still counted).
    /// A `--flow` that names no entry of any file is a `.data` error
    /// naming the flows there are.
    public func apply(to c: Comparison) throws -> (comparison: Comparison, summary: CompareSummary) {
        try validate()
        var out = c
        if !flows.isEmpty {
            let present = Set(c.results.map(\.flow) + c.outcomes.map(\.flow) + c.unmatched.map { Self.flow(ofKey: $0.key) })
            for f in flows where !present.contains(f) {
                throw HMMBenchError(.data, "--flow \(f): no result, failure or skip of that flow in these files",
                                    hint: "flows in these files: \(present.sorted().joined(separator: ", "))")
            }
            let keep = Set(flows)
            out.results = c.results.filter { keep.contains($0.flow) }
            out.outcomes = c.outcomes.filter { keep.contains($0.flow) }
            out.unmatched = c.unmatched.filter { keep.contains(Self.flow(ofKey: $0.key)) }
        }
        let summary = CompareSummary(out)
        if changedOnly {
            out.results = out.results.filter { r in r.tests.contains(where: \.significant) || !r.checkFailed.isEmpty }
        }
        if !metrics.isEmpty {
            for i in out.results.indices {
                out.results[i].metrics = out.results[i].metrics.filter { metrics.contains($0.name) }
            }
        }
        return (out, summary)
    }
}
