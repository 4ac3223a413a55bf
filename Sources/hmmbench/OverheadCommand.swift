import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench overhead`: hmmbench's timing of every op its flows time
/// against the minimal C program doing the same calls, interleaved and
/// pinned to one CPU.
struct OverheadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Measure hmmbench's harness overhead against a minimal C program (hmm-ref).",
        discussion: """
        Runs the same kernel work on the real driver through hmmbench's engine (flows \
        fault-read, fault-write, snapshot, migrate-to-dev, migrate-to-sys, migrate-roundtrip, \
        exclusive, numa-move-pages; mapping=anon) and through hmm-ref \
        (bench/reference/hmm-ref.c): both pinned to one CPU, interleaved in short blocks \
        with alternating order and the same warm-up per block; hmm-ref runs all of an op's \
        blocks in one process (hmm-ref --serve), as hmmbench runs in its one process. Reports the ratio of medians \
        hmmbench / hmm-ref (1.000 = no overhead) with a seeded bootstrap 95% interval, and \
        the ratio of CVs.

        --recheck-above R measures every op whose interval lies wholly above R once \
        more, after all ops, with three times the repetitions (the JSON's rechecks): a real \
        overhead shows again, one noisy stretch of a shared machine rarely does. --fail-above R does the same and exits 1 \
        for an op that is above R both times.

        --check FILE reads a report written with --out instead of measuring: it prints \
        it (text, or --json) and, with --fail-above R, exits 1 for an op that is above R \
        in the file and in its recheck there (bench/vm/smoke checks the guest's report so).

        Exit codes: 0 done; 1 an op above --fail-above; 2 bad input (options, or a \
        --check file that is missing, not JSON or not an overhead report); 3 the driver or \
        hmm-ref is missing.

        Needs /dev/hmm_dmirror0 (the real driver); it refuses the simulated backend. \
        bench/vm/run runs it inside a test kernel; bench/overhead runs it on this box.
        """
    )

    @OptionGroup var backendOptions: BackendOptionGroup

    @Option(name: .long, help: ArgumentHelp(
        "The hmm-ref binary (default: hmm-ref next to hmmbench, then bench/reference/hmm-ref).", valueName: "PATH"))
    var reference: String?

    @Option(name: .long, help: ArgumentHelp("Bytes per operation (K, M, G binary, or p for pages).", valueName: "SIZE"))
    var size: String = "2M"

    @Option(name: .long, help: ArgumentHelp("Measured repetitions per tool and operation.", valueName: "N"))
    var reps: Int = 20

    @Option(name: .long, help: ArgumentHelp("Repetitions run and discarded at the start of every block, by both tools.",
                                            valueName: "N"))
    var warmup: Int = 2

    @Option(name: .long, help: ArgumentHelp("Measured repetitions of one tool before the other's turn.", valueName: "N"))
    var block: Int = 5

    @Option(name: .long, help: ArgumentHelp(
        "CPU both tools are pinned to (default: lowest allowed CPU of node 0, which holds the memory).", valueName: "N"))
    var cpu: Int?

    @Option(name: .long, help: ArgumentHelp("Only these ops, comma-separated (default: all).", valueName: "OP,..."))
    var ops: String?

    @Option(name: .long, help: ArgumentHelp("Seed of the bootstrap interval.", valueName: "N"))
    var seed: UInt64 = BootstrapInterval.defaultSeed

    @Option(name: .long, help: ArgumentHelp(
        "How hmmbench's engine reads its counters, as 'run --counters': separate (default), paired or off "
            + "(diagnostics: paired reads them right before every timed window).", valueName: "MODE"))
    var counters: String = CounterMode.separate.rawValue

    @Option(name: .customLong("reference-process"), help: ArgumentHelp(
        "Where hmm-ref's blocks run: op (default: one process per op, started with --serve, as hmmbench's blocks "
            + "run in its one process) or block (a new process per block; on 6.12 under TCG that moved two ops' ratios by about 1%).",
        valueName: "op|block"))
    var referenceProcess: String = ReferenceProcess.perOp.rawValue

    @Flag(name: .long, help: ArgumentHelp("Diagnostic: pin neither tool.", visibility: .hidden))
    var unpinned = false

    @Option(name: .customLong("fail-above"), help: ArgumentHelp(
        "Exit 1 when some op's ratio interval lies wholly above this (e.g. 1.05) and again when that op is "
            + "measured once more.", valueName: "RATIO"))
    var failAbove: Double?

    @Option(name: .customLong("recheck-above"), help: ArgumentHelp(
        "Measure once more every op whose ratio interval lies wholly above this; the exit code is not "
            + "affected (default: --fail-above's ratio).", valueName: "RATIO"))
    var recheckAbove: Double?

    @Option(name: .long, help: ArgumentHelp("dmirror device: 0 (private) or 2 (coherent).", valueName: "N"))
    var device: Int = 0

    @Option(name: .long, help: ArgumentHelp("Write the report as JSON to FILE (atomically).", valueName: "FILE.json"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp(
        "Read this stored report instead of measuring (with --fail-above: exit 1 if an op is above it).",
        valueName: "FILE.json"))
    var check: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        if let check {
            let report = try OverheadReportReader.load(check)
            print(json ? try JSONOutput.string(report) : report.text())
            try failIfAbove(report)
            return
        }
        let chosen = try ops.map { try OverheadCommand.parseOps($0) } ?? OverheadOp.allCases
        var config = OverheadConfig(size: try PageSize.parse(size), repetitions: reps, warmup: warmup, block: block,
                                    device: device, cpu: cpu, ops: chosen, seed: seed)
        config.counters = try CounterMode.parse(counters)
        config.referenceProcess = try ReferenceProcess.parse(referenceProcess)
        config.pin = !unpinned
        try config.validate()
        for (name, value) in [("--fail-above", failAbove), ("--recheck-above", recheckAbove)] {
            if let value, !(value.isFinite && value > 0) {
                throw HMMBenchError.usage("\(name) \(value) is not a positive ratio", hint: "e.g. \(name) 1.05")
            }
        }
        if let failAbove, let recheckAbove, failAbove != recheckAbove {
            throw HMMBenchError.usage("--fail-above \(failAbove) and --recheck-above \(recheckAbove) differ",
                                      hint: "--fail-above rechecks at its own ratio: give one of them")
        }
        let selection = try BackendSelector.select(try backendOptions.options())
        try OverheadComparison.requireKernel(selection)
        let program = try ReferenceProgram.locate(explicit: reference)
        let report = try OverheadComparison.run(config, reference: program, selection: selection,
                                                recheckAbove: recheckAbove ?? failAbove) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if let out { try AtomicWriter.writeJSON(report, to: out) }
        print(json ? try JSONOutput.string(report) : report.text())
        try failIfAbove(report)
    }

    /// With --fail-above: one line per op above it (and above it again
    /// when rechecked), exit 1.
    func failIfAbove(_ report: OverheadReport) throws {
        guard let failAbove else { return }
        let over = report.aboveDetails(failAbove)
        guard !over.isEmpty else { return }
        FileHandle.standardError.write(Data(("hmmbench overhead: ratio interval wholly above \(failAbove): "
                                             + over.joined(separator: "; ") + "\n").utf8))
        throw ExitCode(1)
    }

    static func parseOps(_ text: String) throws -> [OverheadOp] {
        try text.split(separator: ",").map { word in
            guard let op = OverheadOp(rawValue: String(word)) else {
                throw HMMBenchError.usage("unknown op '\(word)'",
                                          hint: "one of " + OverheadOp.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return op
        }
    }
}
