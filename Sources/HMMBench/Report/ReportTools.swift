/// What the `compare`, `report` and `plot` commands do, as library calls
/// the commands wrap in a few lines (and tests call directly).
public enum ReportTools {
    /// The result of `compare`: what goes to stdout, what goes to stderr,
    /// and whether the regression gate failed (exit 1).
    public struct CompareOutput: Sendable {
        public var output: String
        public var warnings: [String]
        public var gateFailed: Bool
        public var comparison: Comparison
    }

    /// Loads `paths`, compares them with the first, renders `format`.
    public static func compare(paths: [String], options: CompareOptions, format: ReportFormat) throws -> CompareOutput {
        try options.validate()
        guard paths.count >= 2 else {
            throw HMMBenchError(.data, "compare needs at least two result files (got \(paths.count)\(paths.isEmpty ? "" : ": " + paths.joined(separator: ", ")))",
                                hint: "to look at one run, use 'hmmbench report \(paths.first ?? "RUN.json")'")
        }
        let runs = try RunReader.load(paths)
        var c = options.rounds > 1
            ? try Comparison.build(rounds: try RoundPooling.groups(runs, rounds: options.rounds), options: options)
            : try Comparison.build(runs, options: options)
        c.box = options.box
        c.command = options.command
            ?? (["hmmbench", "compare"] + (options.rounds > 1 ? ["--rounds", String(options.rounds)] : []) + paths)
                .joined(separator: " ")
        var output = try format.exporter.render(c)
        if format == .text, options.rounds <= 1 {
            for other in runs.dropFirst() { output += PhaseText.compare(baseline: runs[0], other: other, alpha: options.alpha) }
        }
        return CompareOutput(output: output, warnings: c.warnings,
                             gateFailed: c.gate?.failed ?? false, comparison: c)
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
