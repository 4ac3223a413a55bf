import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench compare BASE.json NEW.json [MORE.json...]`: changes against
/// the first run with their confidence intervals, one Welch + Mann-Whitney
/// test per result and run under Benjamini-Hochberg, mmtests-style marks,
/// and a regression gate.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs against the first: % change with CI, Welch and U tests, FDR.",
        discussion: """
        Results match across files on flow + params. For each matched result and \
        metric (time per operation: lower is better; GiB/s: higher is better) every \
        run shows n, mean, CV and the change of the mean against the first file \
        with its 95% confidence interval (Fieller's interval for the ratio of \
        means, Welch-Satterthwaite degrees of freedom). Each result is tested once \
        per run, on the time samples (throughput comes from the same samples and \
        shares the test): Welch's t-test (t, df, p) and the two-sided Mann-Whitney \
        U test (exact without ties up to 50 samples a side, else the normal \
        approximation with tie and continuity correction). A change is called \
        ('*  x.xx%*', else '(  x.xx%)') when the larger of the two p-values \
        survives Benjamini-Hochberg at --alpha over every test of the comparison; \
        the output says how many tests were run and how many would pass by \
        chance alone. A run whose CV exceeds --noise-cv makes the pair NOISY: \
        its change is called only when it is also larger than the larger standard \
        deviation. Fewer than 2 samples: spread, CI and p are n/a. Results only \
        some files have are listed, and every failed or skipped entry of every \
        run is listed with its reason, never dropped.

        Each result also shows its kernel counters per repetition in every run \
        (TLB shootdowns, pgmigrate_*, thp_migration_*, then whatever moved) \
        with the change of their mean: what explains a change in time.

        --rounds N: the files are N rounds (boots) of each kernel, run A's \
        first (bench/vm/run --rounds N writes them). Each run's rounds are \
        pooled; each result shows the spread within a boot beside the spread \
        between boots, and a change smaller than what boots alone give (t \
        over the round means, 95%) is said to be so and not called.

        --format review: the 72-column block a reviewer pastes: kernels \
        (with the commit when the release names one), box, virtualization, \
        every result's change and call, the counters that moved, and the \
        command that reproduces it (--command, --box).

        Simulated and kernel runs are not compared unless --allow-mixed. \
        Environment differences (CPU, THP, governor, uapi, NUMA nodes, hmmbench \
        version, virtualization) are warned about on stderr.

        The regression gate never counts simulated results (simulated numbers are \
        not kernel numbers): on a comparison of simulated runs it says so and \
        passes, unless --gate-simulated.

        Filters: --flow NAME (repeatable) keeps that flow's results, failures and \
        skips; --metric time|throughput keeps that metric's rows; --changed-only \
        keeps results with a called change or a failed post-check (failed, skipped \
        and unmatched entries stay). Filters only hide rows: q-values are over every \
        test of the files, and --fail-on-regression judges every result. Text \
        output starts with one line: 'Against A: N better, M worse, K within noise, \
        F failed.' (counted over every result and run against A that --flow kept, \
        before --changed-only; F counts failed entries and failed post-checks); \
        markdown starts with it too, metrics with summary.* lines.

        Exit codes: 0 compared (and the gate passed or did not apply); 1 \
        --fail-on-regression found a called regression larger than PCT; 2 bad input \
        (missing, empty, truncated or non-JSON file, unknown schema_version, no \
        common results, a single file, mixed backends without --allow-mixed, a --flow \
        no file has, an unknown --metric).
        """
    )

    @Argument(help: ArgumentHelp("Run records; the first is the baseline.", valueName: "RUN.json"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("Output format (md for markdown).", valueName: "format"))
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("False discovery rate changes are called at (Benjamini-Hochberg).", valueName: "Q"))
    var alpha: Double = 0.05

    @Option(name: .customLong("noise-cv"), help: ArgumentHelp("CV above which a result is NOISY.", valueName: "FRACTION"))
    var noiseCV: Double = 0.10

    @Flag(name: .customLong("allow-mixed"), help: "Compare simulated with kernel runs (with a banner).")
    var allowMixed = false

    @Option(name: .customLong("fail-on-regression"),
            help: ArgumentHelp("Exit 1 when a significant regression exceeds PCT percent.", valueName: "PCT"))
    var failOnRegression: Double?

    @Flag(name: .customLong("gate-simulated"), help: "Let simulated results trip --fail-on-regression too.")
    var gateSimulated = false

    @Option(name: .long, help: ArgumentHelp("Files per run: N rounds (boots) of each kernel, run A's first; pooled, with "
                                            + "between-boot beside within-boot spread.", valueName: "N"))
    var rounds: Int = 1

    @Option(name: .long, help: ArgumentHelp("The box, as --format review names it.", valueName: "TEXT"))
    var box: String?

    @Option(name: .long, help: ArgumentHelp("The command --format review gives to reproduce it.", valueName: "TEXT"))
    var command: String?

    @Option(name: .long, help: ArgumentHelp("Show this flow only (repeatable).", valueName: "name"))
    var flow: [String] = []

    @Option(name: .long, help: ArgumentHelp("Show this metric only: time or throughput (repeatable).", valueName: "metric"))
    var metric: [String] = []

    @Flag(name: .customLong("changed-only"), help: "Show only results with a called change or a failed check.")
    var changedOnly = false

    func run() throws {
        var options = CompareOptions(alpha: alpha, noiseCV: noiseCV, allowMixed: allowMixed, failOnRegressionPct: failOnRegression,
                                     gateSimulated: gateSimulated,
                                     filter: CompareFilter(flows: flow, metrics: metric, changedOnly: changedOnly))
        options.rounds = rounds
        options.box = box
        options.command = command
        let result = try ReportTools.compare(paths: files, options: options, format: format)
        for w in result.warnings { FileHandle.standardError.write(Data((w + "\n").utf8)) }
        FileHandle.standardOutput.write(Data(result.output.utf8))
        if result.gateFailed { throw ExitCode(1) }
    }
}
