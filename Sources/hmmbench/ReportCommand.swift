import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench report RUN.json`: one run's tables, no baseline.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Show one run: times, throughput, CI, checks and counters.",
        discussion: """
        Per result: n, mean, median, stddev/CV, p99 and the 95% CI of the mean \
        (Student's t; n/a with fewer than 2 samples), GiB/s, pages/s, the \
        copy-bandwidth ratio, the check and the mean per repetition of \
        pgmigrate_*, thp_migration_* and TLB shootdowns. Samples that fall into \
        two groups get a modes line (count and median of each, and the counter \
        whose per-repetition values separate them, with --counters paired), so \
        that a bimodal result is not read as its mean. Every failed entry \
        (stage, errno, reason) and skipped entry (reason) gets a row. The header states backend, kernel, uapi and virtualization; \
        simulated, TCG and incomplete runs are marked loudly. Text output fits \
        72 columns.

        --format: text (default), markdown, csv, json (the report's model), metrics \
        (flat key: value lines, numbers only, for LKP and LAVA), ktap (KTAP version 1 \
        as kselftest prints it: a test per measurement, figures as # lines, the \
        '# Totals:' line; bench/SCHEMA.md has every line). report's exit code does \
        not depend on the run's verdict: 'run --format ktap' exits with kselftest's.

        Exit codes: 0 success; 2 bad input (missing, empty, truncated or \
        non-JSON file, unknown schema_version).
        """
    )

    @Argument(help: ArgumentHelp("Run record.", valueName: "RUN.json"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Output format (md for markdown).", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        let text = try ReportTools.report(path: file, format: format)
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
