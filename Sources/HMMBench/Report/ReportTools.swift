/// What the `compare`, `report` and `plot` commands do, as library calls
/// the commands wrap in a few lines (and tests call directly).
public enum ReportTools {
    /// The result of `compare`: what goes to stdout, what goes to stderr,
    /// and whether the regression gate failed (exit 1).
    public struct CompareOutput: Sendable {
        public var output: String
        public var warnings: [String]
        public var gateFailed: Bool
        /// What --flow, --metric and --changed-only left.
        public var comparison: Comparison
        /// The counts printed first (before --changed-only).
        public var summary: CompareSummary
    }

    /// Loads `paths`, compares them with the first, renders `format`.
    public static func compare(paths: [String], options: CompareOptions, format: ReportFormat) throws -> CompareOutput {
        try options.validate()
        guard paths.count >= 2 else {
            throw HMMBenchError(.data, "compare needs at least two result files (got \(paths.count)\(paths.isEmpty ? "" : ": " + paths.joined(separator: ", ")))",
                                hint: "to look at one run, use 'hmmbench report \(paths.first ?? "RUN.json")'")
        }
        let runs = try RunReader.load(paths)
        var full = options.rounds > 1
            ? try Comparison.build(rounds: try RoundPooling.groups(runs, rounds: options.rounds), options: options)
            : try Comparison.build(runs, options: options)
        full.box = options.box
        full.command = options.command
            ?? (["hmmbench", "compare"] + (options.rounds > 1 ? ["--rounds", String(options.rounds)] : []) + paths)
                .joined(separator: " ")
        let (c, summary) = try options.filter.apply(to: full)
        var output = summaryFirst(summary, try format.exporter.render(c), format: format)
        if format == .text, options.rounds <= 1 {
            for other in runs.dropFirst() { output += PhaseText.compare(baseline: runs[0], other: other, alpha: options.alpha) }
        }
        return CompareOutput(output: output, warnings: c.warnings,
                             gateFailed: full.gate?.failed ?? false, comparison: c, summary: summary)
    }

    /// The summary line before a comparison: text and markdown start with
    /// it, metrics with its counts as `summary.*` lines; csv, json (whose
    /// shapes scripts rely on) and the review block (which has its own
    /// summary) are left as they are.
    static func summaryFirst(_ s: CompareSummary, _ body: String, format: ReportFormat) -> String {
        switch format {
        case .text: return s.line + "\n\n" + body
        case .markdown: return "**" + s.line + "**\n\n" + body
        case .metrics: return s.metricsLines.joined(separator: "\n") + "\n" + body
        case .csv, .json, .ktap, .review: return body
        }
    }

    /// Loads one run and renders it in `format`.
    public static func report(path: String, format: ReportFormat) throws -> String {
        let run = try RunReader.load(path)
        let text = try format.exporter.render(RunReport(run))
        return format == .text ? text + PhaseText.report(run.record.results) : text
    }

    /// What `plot` wrote: the file, its size in pixels, the grid's
    /// columns, and the plot itself (panels, series, points, notes), as
    /// `plot --json` prints it.
    public struct PlotOutput: Encodable, Sendable {
        public var out: String
        public var width: Int
        public var height: Int
        public var columns: Int
        public var plot: SVGPlot
    }

    /// Loads `paths`, plots the `flows` (every flow when empty), writes
    /// the SVG atomically to `out`.
    @discardableResult
    public static func plot(paths: [String], out: String, flows: [String] = []) throws -> PlotOutput {
        guard !paths.isEmpty else {
            throw HMMBenchError.usage("plot needs at least one result file", hint: "hmmbench plot RUN.json [MORE.json...] --out plot.svg")
        }
        let plot = try SVGPlot(runs: try RunReader.load(paths), flows: flows)
        let layout = try PlotLayout(plot)
        try AtomicWriter.write(plot.render(layout), to: out)
        return PlotOutput(out: out, width: layout.width, height: layout.height, columns: layout.columns, plot: plot)
    }
}
