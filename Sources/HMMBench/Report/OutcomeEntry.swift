/// A planned measurement of some run that gave no result: a failure or a
/// skip, with its reason. Reports and comparisons list every one, a row
/// each, so nothing is dropped silently.
public struct OutcomeEntry: Codable, Equatable, Sendable {
    /// "failed" or "skipped".
    public enum Kind: String, Codable, Sendable {
        case failed, skipped
    }

    /// The run's label ("A", "B", ...).
    public var run: String
    public var file: String
    public var kind: Kind
    /// Flow and sorted params, as results match.
    public var key: String
    public var flow: String
    public var params: [String: String]
    public var reason: String
    /// For failures: where it failed ("setup", "prepare", "measure", "check").
    public var stage: String?
    /// For failed kernel calls: the errno's symbolic name ("EINVAL").
    public var errnoName: String?
    /// For failures: measured repetitions finished before it (diagnosis only).
    public var finishedSamples: Int?

    public init(run: String, file: String, failed f: FailedFlow) {
        self.run = run
        self.file = file
        kind = .failed
        key = f.matchKey
        flow = f.flow
        params = f.params
        reason = f.reason
        stage = f.stage.rawValue
        errnoName = f.errnoName
        finishedSamples = f.samplesNs.count
    }

    public init(run: String, file: String, skipped s: SkippedFlow) {
        self.run = run
        self.file = file
        kind = .skipped
        key = s.matchKey
        flow = s.flow
        params = s.params
        reason = s.reason
    }

    /// Every failure, then every skip, of `loaded`.
    public static func all(of loaded: LoadedRun, label: String) -> [OutcomeEntry] {
        loaded.record.failed.map { OutcomeEntry(run: label, file: loaded.name, failed: $0) }
            + loaded.record.skipped.map { OutcomeEntry(run: label, file: loaded.name, skipped: $0) }
    }

    /// One line: "FAILED (measure, EINVAL): reason" or "skipped: reason".
    public var summary: String {
        switch kind {
        case .failed:
            let detail = [stage, errnoName].compactMap { $0 }.joined(separator: ", ")
            return "FAILED" + (detail.isEmpty ? "" : " (\(detail))") + ": " + reason
        case .skipped:
            return "skipped: " + reason
        }
    }

    /// The reason with the stage and errno of a failure in front
    /// ("measure, EINVAL: ..."), for one-cell formats.
    public var summaryReason: String {
        let detail = [stage, errnoName].compactMap { $0 }.joined(separator: ", ")
        return detail.isEmpty ? reason : detail + ": " + reason
    }

    enum CodingKeys: String, CodingKey {
        case run, file, kind, key, flow, params, reason, stage
        case errnoName = "errno_name"
        case finishedSamples = "finished_samples"
    }
}
