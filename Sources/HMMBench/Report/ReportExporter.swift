/// The output formats of `run`, `report` and `compare` (`ktap`: one run
/// only).
public enum ReportFormat: String, CaseIterable, Sendable {
    /// Plain text for mailing lists: no line longer than 72 columns.
    case text
    /// GitHub-flavoured markdown tables.
    case markdown
    /// One header row, then one row per number (long format), for scripts.
    case csv
    /// The report's model as JSON (sorted keys, pretty).
    case json
    /// Flat `key: value` lines, numbers only (LKP stats, LAVA measurements).
    case metrics
    /// The 72-column block a reviewer pastes (compare only).
    case review
    /// KTAP version 1 as kselftest prints it: a test per measurement.
    case ktap

    /// The format a `--format` value names: any case, and "md" for markdown.
    public init?(name: String) {
        let s = name.lowercased()
        guard let f = s == "md" ? .markdown : ReportFormat(rawValue: s) else { return nil }
        self = f
    }

    /// Parses a `--format` value (see `init(name:)`); a usage error naming
    /// the formats otherwise.
    public static func parse(_ s: String) throws -> ReportFormat {
        guard let f = ReportFormat(name: s) else {
            throw HMMBenchError.usage("unknown format '\(s)'", hint: "one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }

    /// The exporter that writes this format.
    public var exporter: any ReportExporter {
        switch self {
        case .text: return TextExporter()
        case .markdown: return MarkdownExporter()
        case .csv: return CSVExporter()
        case .json: return JSONExporter()
        case .metrics: return MetricsExporter()
        case .review: return ReviewExporter()
        case .ktap: return KTAPExporter()
        }
    }
}

/// Turns a report model into one output format. Every format renders
/// both a single-run report and a comparison, from the same models, so
/// a number shown in one format is the number in all of them.
public protocol ReportExporter {
    var format: ReportFormat { get }
    /// One run, no baseline.
    func render(_ report: RunReport) throws -> String
    /// Two or more runs against the first.
    func render(_ comparison: Comparison) throws -> String
}
