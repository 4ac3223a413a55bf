import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench probe`: what this box can measure, and why.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show what this box can measure: kernel, uapi, devices, NUMA, THP, counters.",
        discussion: """
        Reads uname, /proc and /sys only; it never sends a test_hmm request to find out \
        the uapi generation (request numbers mean different things in different \
        generations). The backend line says what 'auto' would pick and why.
        """
    )

    @OptionGroup var backendOptions: BackendOptionGroup

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let (report, selection) = try ProbeReport.probe(try backendOptions.options())
        for n in selection.notices { FileHandle.standardError.write(Data((n + "\n").utf8)) }
        if json {
            print(try JSONOutput.string(report))
        } else {
            print(report.text())
        }
    }
}
