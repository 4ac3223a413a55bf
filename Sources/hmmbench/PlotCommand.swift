import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench plot RUN.json [RUN2.json...] --out FILE.svg`.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot GiB/s against size, one line per run, as a standalone SVG.",
        discussion: """
        One panel per flow (and its parameters other than size): mean GiB/s \
        against the size parameter on a log2 axis, with 95% confidence-interval \
        error bars, one line per run and backend, labelled with both (legend: \
        file, backend, virtualization, kernel). Failed and skipped entries are \
        listed under their panel with the reason. The file is written atomically. Convert with e.g. \
        'rsvg-convert -o plot.png plot.svg'.

        Exit codes: 0 success; 2 bad input (missing, empty, truncated or \
        non-JSON file, unknown schema_version, nothing to plot); 4 the SVG \
        could not be written.
        """
    )

    @Argument(help: ArgumentHelp("Run records.", valueName: "RUN.json"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("Where to write the SVG.", valueName: "FILE.svg"))
    var out: String

    func run() throws {
        let plot = try ReportTools.plot(paths: files, out: out)
        FileHandle.standardError.write(Data("wrote \(out) (\(plot.panels.count) panels, \(plot.width)x\(plot.height))\n".utf8))
    }
}
