import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench plot RUN.json [RUN2.json...] --out FILE.svg [--flow F]`.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot GiB/s against size, one panel per flow, as a standalone SVG.",
        discussion: """
        One panel per flow, laid out in a grid (3 columns; more when the \
        picture would get taller than about 12,000 pixels, so even the full \
        suite renders in rsvg-convert and browsers). In each panel: mean GiB/s \
        (higher is better) against size on a log2 axis, 95% confidence-interval \
        bars, one series per run, backend and combination of the flow's other \
        parameters. A size sweep is drawn as a line; a flow measured at one \
        size as markers. Parameters every series of a panel shares are written \
        under its title; the legend names each series by run letter, kernel \
        release and backend, then the parameters that tell it apart ('A 6.12.0 \
        kernel: mapping=thp'). Colour tells the parameter combinations apart, \
        the dash pattern the runs (A solid, B dashed, the same in every panel \
        and in the header, which says file, backend, virtualization and \
        kernel of each run). Failed and skipped entries are listed under \
        their flow's panel with the reason (the first \(PlotLayout.maxNotes), \
        then how many more: 'hmmbench report' lists all). Simulated and TCG runs \
        are flagged in red.

        Examples:
          hmmbench plot base.json --out base.svg
          hmmbench plot base.json new.json --flow migrate-to-dev,migrate-to-sys --out mig.svg
          rsvg-convert -o mig.png mig.svg      # PNG, e.g. for a mail or an issue

        The file is written atomically. A summary line goes to stderr; with \
        --json, the plot (panels, series with their points and CIs, notes) as \
        JSON on stdout.

        Exit codes: 0 success; 2 bad input (missing, empty, truncated or \
        non-JSON file, unknown schema_version, a --flow no file has, nothing \
        to plot); 4 the SVG could not be written.
        """
    )

    @Argument(help: ArgumentHelp("Run records.", valueName: "RUN.json"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("Where to write the SVG.", valueName: "FILE.svg"))
    var out: String

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Plot only this flow (repeat, or comma-separate, for more).", valueName: "FLOW"))
    var flow: [String] = []

    @Flag(name: .long, help: "Print the plot's panels, series and points as JSON on stdout.")
    var json = false

    func run() throws {
        let flows = flow.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        if let empty = flows.firstIndex(where: \.isEmpty) {
            throw HMMBenchError.usage("--flow: empty flow name (item \(empty + 1))", hint: "--flow migrate-to-dev,migrate-to-sys")
        }
        let result = try ReportTools.plot(paths: files, out: out, flows: flows)
        let series = result.plot.panels.map(\.series.count).reduce(0, +)
        FileHandle.standardError.write(Data("wrote \(out): \(result.plot.panels.count) panels, \(series) series, \(result.width)x\(result.height) px\n".utf8))
        if json { print(try JSONOutput.string(result)) }
    }
}
