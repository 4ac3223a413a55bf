import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench overhead`: hmmbench's timing of a device read and a migrate
/// round trip against the minimal C program doing the same ioctls.
struct OverheadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Measure hmmbench's harness overhead against a minimal C program (hmm-ref).",
        discussion: """
        Runs the same kernel work twice on the real driver: through hmmbench's engine \
        (flows fault-read and migrate-roundtrip, mapping=anon) and through hmm-ref \
        (bench/reference/hmm-ref.c), with the same size, warmup, repetitions and device. \
        Reports both timings and the ratio hmmbench / hmm-ref (1.00 = no overhead).

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

    @Option(name: .long, help: ArgumentHelp("Repetitions run and discarded first, per tool and operation.", valueName: "N"))
    var warmup: Int = 3

    @Option(name: .long, help: ArgumentHelp("dmirror device: 0 (private) or 2 (coherent).", valueName: "N"))
    var device: Int = 0

    @Option(name: .long, help: ArgumentHelp("Write the report as JSON to FILE (atomically).", valueName: "FILE.json"))
    var out: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let config = OverheadConfig(size: try PageSize.parse(size), repetitions: reps, warmup: warmup, device: device)
        try config.validate()
        let selection = try BackendSelector.select(try backendOptions.options())
        try OverheadComparison.requireKernel(selection)
        let program = try ReferenceProgram.locate(explicit: reference)
        let report = try OverheadComparison.run(config, reference: program, selection: selection) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if let out { try AtomicWriter.writeJSON(report, to: out) }
        print(json ? try JSONOutput.string(report) : report.text())
    }
}
