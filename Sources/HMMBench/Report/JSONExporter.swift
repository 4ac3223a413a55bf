/// The report models as JSON (`JSONOutput`: sorted keys, pretty), for
/// tools that want every number with its context.
public struct JSONExporter: ReportExporter {
    public var format: ReportFormat { .json }

    public init() {}

    public func render(_ report: RunReport) throws -> String {
        try JSONOutput.string(report) + "\n"
    }

    public func render(_ comparison: Comparison) throws -> String {
        try JSONOutput.string(comparison) + "\n"
    }
}
