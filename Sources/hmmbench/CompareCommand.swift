import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench compare BASE.json NEW.json [MORE.json...]`: changes against
/// the first run, Welch-tested, mmtests-style, with a regression gate.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs against the first: % change, Welch p, noise flags.",
        discussion: """
        Results match across files on flow + params. For each matched result and \
        metric (time per operation: lower is better; GiB/s: higher is better) every \
        run shows n, mean, median, CV and the change against the first file: \
        '*  x.xx%*' when Welch's t-test gives p < --alpha, '(  x.xx%)' otherwise. \
        A result whose CV exceeds --noise-cv in any run is NOISY and never called \
        a change. Results only some files have are listed, never dropped.

        Simulated and kernel runs are not compared unless --allow-mixed. \
        Environment differences (CPU, THP, governor, uapi, NUMA nodes, hmmbench \
        version, virtualization) are warned about on stderr.

        Exit codes: 0 compared (and the gate passed); 1 --fail-on-regression \
        found a significant, not noisy regression larger than PCT; 2 bad input \
        (missing, empty, truncated or non-JSON file, unknown schema_version, no \
        common results, a single file, mixed backends without --allow-mixed).
        """
    )

    @Argument(help: ArgumentHelp("Run records; the first is the baseline.", valueName: "RUN.json"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("Output format.", valueName: "text|markdown|csv|json"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("Significance level of the Welch t-test.", valueName: "P"))
    var alpha: Double = 0.05

    @Option(name: .customLong("noise-cv"), help: ArgumentHelp("CV above which a result is NOISY.", valueName: "FRACTION"))
    var noiseCV: Double = 0.10

    @Flag(name: .customLong("allow-mixed"), help: "Compare simulated with kernel runs (with a banner).")
    var allowMixed = false

    @Option(name: .customLong("fail-on-regression"),
            help: ArgumentHelp("Exit 1 when a significant regression exceeds PCT percent.", valueName: "PCT"))
    var failOnRegression: Double?

    func run() throws {
        let options = CompareOptions(alpha: alpha, noiseCV: noiseCV, allowMixed: allowMixed, failOnRegressionPct: failOnRegression)
        let result = try ReportTools.compare(paths: files, options: options, format: try ReportFormat.parse(format))
        for w in result.warnings { FileHandle.standardError.write(Data((w + "\n").utf8)) }
        FileHandle.standardOutput.write(Data(result.output.utf8))
        if result.gateFailed { throw ExitCode(1) }
    }
}
