/// The one place that turns a finished run's outcomes into its exit
/// status: interrupted (130), any failure (4), nothing measured or a
/// single flow that could not run here (3), else success.
public enum RunVerdict {
    /// The error `run` exits with, or nil for success (exit 0).
    /// `singleFlow`: the user named the flow (`--flow`), so a skip is not
    /// a choice they made but a measurement they did not get.
    public static func error(for record: RunRecord, singleFlow: Bool, outputPath: String?) -> HMMBenchError? {
        let kept = outputPath.map { "what completed is in \($0)" }
        if !record.complete {
            return HMMBenchError(.interrupted, record.incompleteReason ?? "run incomplete",
                                 hint: outputPath.map { "completed results are in \($0), marked incomplete" })
        }
        if !record.failed.isEmpty {
            let n = record.failed.count
            let first = record.failed[0]
            return HMMBenchError(.system, "\(n) of \(record.outcomeCount) planned measurements failed; first: "
                                 + "\(first.matchKey): \(first.stage.rawValue): \(first.reason)",
                                 hint: kept, errno: first.errno)
        }
        if record.results.isEmpty {
            let why = record.skipped.first.map { ": \($0.matchKey): \($0.reason)" } ?? ""
            return HMMBenchError(.environment, "nothing was measured (\(record.skipped.count) skipped)\(why)",
                                 hint: "'hmmbench probe' shows what this box can run")
        }
        if singleFlow, let s = record.skipped.first {
            return HMMBenchError(.environment, "\(record.skipped.count) of \(record.outcomeCount) requested measurements "
                                 + "could not run here; first: \(s.matchKey): \(s.reason)",
                                 hint: "'hmmbench probe' shows what this box can run")
        }
        return nil
    }
}
