import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench run`: a suite or one flow, into one result file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite or one flow and write the results as JSON.",
        discussion: """
        Examples:
          hmmbench run --suite quick --out base.json
          hmmbench run --flow migrate-to-dev size=32M mapping=thp memory=coherent
          hmmbench run --suite fault-migrate --backend kernel --cpu 2 --out review.json

        Every repetition is timed with CLOCK_MONOTONIC_RAW around exactly the kernel \
        work; warmup repetitions are thrown away; every sample is kept in the file with \
        min/median/mean/stddev/CV/p90/p99/95% CI, GiB/s (2^30 bytes) and pages/s, and the \
        /proc/vmstat and /proc/interrupts (TLB shootdown) deltas per repetition.

        Counters (--counters): by default (separate) the timed repetitions read no \
        /proc file between their set-up and their window; after them, --counted more \
        repetitions (default: min(repetitions, 5)) run the same way with the counters read \
        around the timed call, and their times are kept beside the counters, out of the \
        statistics. paired reads the counters around every timed repetition (one count per \
        sample; the reads then sit right before the window, which slows short calls); off \
        reads none.

        Each planned measurement ends as a result, a failure (a kernel call erred, the \
        post-check failed, memory could not be had: recorded with errno and reason) or a \
        skip (what this box or uapi lacks, with the reason). The whole plan is checked \
        before the first measurement (parameters, nodes, CPUs, --out writable). The file \
        is rewritten atomically after every flow once it holds a result or a failure; a \
        run that measures nothing never replaces an existing file. Ctrl-C stops after the \
        repetition under way, keeps the finished repetitions of the current flow as a \
        partial result and marks the file incomplete; a second Ctrl-C stops at once, \
        leaving the file as written after the last finished flow. Suites live in \
        bench/suites (see 'hmmbench list').

        --format prints the finished run on stdout as 'hmmbench report --format' would \
        (text is the default table; metrics: flat key: value lines for LKP and LAVA; ktap: \
        KTAP version 1 as kselftest prints it, one test per measurement). --json prints \
        the result record itself.

        Exit status: 0 every measurement gave a result or a suite entry was skipped for \
        what the box lacks; 2 bad input (nothing measured); 3 nothing measured, or the \
        --flow asked for cannot run here; 4 at least one measurement failed (the others \
        still ran); 130 interrupted.

        With --format ktap the exit status after measuring is kselftest's instead: 0 \
        pass (every measurement gave a result or was skipped, at least one result); 1 \
        fail (a measurement failed, a post-check failed, or the run was interrupted); 4 \
        skip (everything was skipped: nothing measured). Bad input found before the \
        first measurement still exits 2 with no KTAP on stdout (kselftest's runner \
        counts it as a failure).
        """
    )

    @Option(name: .long, help: ArgumentHelp("Suite name (bench/suites/NAME.suite) or path.", valueName: "name"))
    var suite: String?

    @Option(name: .long, help: ArgumentHelp("One flow; its parameters follow as key=value.", valueName: "name"))
    var flow: String?

    @Argument(help: ArgumentHelp("Flow parameters as key=value (with --flow).", valueName: "key=value"))
    var parameters: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the results to this JSON file.", valueName: "file"))
    var out: String?

    // Counts are read as text (and negative values taken as values, not
    // options) so that '-n 2.5' and '-n -1' get a message with the range.
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Warmup repetitions, 0...10000 (default: the suite's, else 2).", valueName: "n"))
    var warmup: String?

    @Option(name: [.customShort("n"), .long], parsing: .unconditional,
            help: ArgumentHelp("Measured repetitions, 1...100000 (default: the suite's, else 10).", valueName: "n"))
    var repetitions: String?

    @Option(name: .long, parsing: .unconditional, help: "Pin the measuring thread to this CPU.")
    var cpu: Int?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Bind memory to this NUMA node (set_mempolicy MPOL_BIND; real nodes only).", valueName: "node"))
    var membind: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Counter reads: separate (default: extra counted repetitions after the timed ones), paired (around every "
            + "timed repetition, a diagnostic) or off.", valueName: "mode"))
    var counters: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Counted repetitions with --counters separate, 1...10000 (default: min(repetitions, 5)).",
                               valueName: "n"))
    var counted: String?

    @Option(name: .customLong("suite-dir"), help: ArgumentHelp("Folder with NAME.suite files.", valueName: "dir"))
    var suiteDirectory: String?

    @Flag(name: .shortAndLong, help: "No progress lines on stderr.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "A progress line after every measured repetition, not only every flow.")
    var verbose = false

    @Flag(name: .long, help: ArgumentHelp(
        "After each flow, a second, traced run splits its kernel time into phases (needs tracefs).",
        discussion: "function_graph filtered to the flow's phase functions; the headline numbers stay those of the "
            + "untraced run; the traced run's slowdown is recorded and flagged above 10%."))
    var phases = false

    @Option(name: .customLong("phases-raw"),
            help: ArgumentHelp("With --phases: keep each traced run's raw trace and trace_stat files here.", valueName: "dir"))
    var phasesRaw: String?

    @Flag(name: .long, help: "Print the result record as JSON on stdout instead of the table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Print the run in this format instead of the table (ktap: kselftest exit codes).",
                                            valueName: "format"))
    var format: ReportFormat?

    @OptionGroup var backendOptions: BackendOptionGroup

    func run() throws {
        if json, let format {
            throw HMMBenchError.usage("--json and --format \(format.rawValue) both choose what goes to stdout",
                                      hint: "--json prints the result record; drop one of them")
        }
        // Bad input of every kind is refused here, before the first
        // measurement: the plan, the output path, then the plan against the
        // backends this box gives.
        var plan = try RunPlan.make(suite: suite, flow: flow, parameters: parameters, suiteDirectory: suiteDirectory,
                                    warmup: try warmup.map { try RunOptions.count($0, option: "--warmup", in: RunOptions.warmupRange) },
                                    repetitions: try repetitions.map {
                                        try RunOptions.count($0, option: "--repetitions", in: RunOptions.repetitionsRange)
                                    },
                                    cpu: cpu, memoryNode: membind)
        if let counters { plan.options.counters = try CounterMode.parse(counters) }
        if let counted { plan.options.countedRepetitions = try RunOptions.count(counted, option: "--counted", in: RunOptions.countedRange) }
        try plan.options.validate()
        if let out { try AtomicWriter.checkWritable(out) }
        let selection = try BackendSelector.select(try backendOptions.options())
        try MemoryBudget.check(plan, backend: selection.mirror.kind)
        for n in selection.notices { FileHandle.standardError.write(Data((n + "\n").utf8)) }
        try plan.validate(against: selection)
        let runner = SuiteRunner(selection: selection, options: plan.options, outputPath: out,
                                 progress: StderrProgress(enabled: !quiet, repetitions: verbose && !quiet))
        if phases {
            let p = PhaseRunner.here()
            if let reason = p.unavailable {
                FileHandle.standardError.write(Data("hmmbench: --phases: phases will be skipped: \(reason)\n".utf8))
            }
            p.rawDirectory = phasesRaw
            runner.phases = p
        }
        let record = try runner.run(suite: plan.suiteName, entries: plan.entries, rejected: plan.rejected)
        let report = RunReport(LoadedRun(path: out ?? "(this run)", record: record))
        if json {
            print(try JSONOutput.string(record))
        } else if let format, format != .text {
            FileHandle.standardOutput.write(Data(try format.exporter.render(report).utf8))
        } else {
            print(TextExporter().render(report))
        }
        if let out {
            let line = runner.wroteOutput ? "hmmbench: results in \(out)"
                                          : "hmmbench: \(out) left as it was: this run has no result or failure to replace it with"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let verdict = RunVerdict.error(for: record, singleFlow: plan.suiteName == nil, outputPath: runner.wroteOutput ? out : nil)
        if format == .ktap {
            // kselftest's exit codes; the reason still goes to stderr.
            let code = KTAPExporter.Tally(report).exitCode
            if let verdict { FileHandle.standardError.write(Data("hmmbench: \(verdict.message)\n".utf8)) }
            if code != KTAPExporter.Tally.pass { throw ExitCode(code) }
            return
        }
        if let verdict { throw verdict }
    }
}
