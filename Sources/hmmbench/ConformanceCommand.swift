import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench conformance`: runs the conformance scenarios on one backend
/// and writes the report, or checks the simulator against a real report.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check the simulated driver against the real one, scenario by scenario.",
        discussion: """
        Runs a fixed set of short scripts (map memory, issue test_hmm requests from \
        one or two devices, touch pages from the CPU) and records every reply \
        (cpages, faults, errno), snapshot byte and copied byte. In the test-bed VM: \
        'hmmbench conformance --backend kernel --out real.json'. On the host: \
        'hmmbench conformance --against real.json' runs the same set on the simulator \
        with the report's uapi and devices and lists each scenario as same or \
        different (exit 1 when any differ, 2 on a bad report).
        """
    )

    @OptionGroup var backendOptions: BackendOptionGroup

    @Option(name: .long, help: ArgumentHelp("Write the report (JSON) here, atomically.", valueName: "FILE.json"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Compare the simulator with this report from the real driver.",
                                           valueName: "REAL.json"))
    var against: String?

    @Option(name: .long, help: ArgumentHelp("Only scenarios whose name starts with this.", valueName: "PREFIX"))
    var only: String?

    @Flag(name: .customLong("include-hazards"), help: ArgumentHelp(
        "Also run, on the kernel, scenarios known to crash some kernels.",
        discussion: "One scenario oopses 6.1's test_hmm (READ after a CPU touch migrated pages back). Only on a throwaway VM."))
    var includeHazards = false

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func scenarios() throws -> [ConformanceScenario] {
        guard let only else { return ConformanceSuite.all }
        let chosen = ConformanceSuite.named(only)
        if chosen.isEmpty {
            throw HMMBenchError.usage("no conformance scenario starts with '\(only)'",
                                      hint: "names look like anon-written/migrate, coherent/cross-device, args/unaligned")
        }
        return chosen
    }

    func run() throws {
        let set = try scenarios()
        if let against {
            if backendOptions.backend == .kernel {
                throw HMMBenchError.usage("--against runs the simulator; it cannot be combined with --backend kernel")
            }
            let (comparison, simulated) = try ConformanceComparison.simulator(
                against: against, scenarios: set, onlyChosen: only != nil, profile: try backendOptions.options().simProfile)
            if let out { try simulated.write(to: out) }
            if json {
                print(String(decoding: try comparison.encoded(), as: UTF8.self))
            } else {
                print(comparison.render(width: 72), terminator: "")
            }
            if comparison.anyDifferent { throw ExitCode(1) }
            return
        }
        let selection = try BackendSelector.select(try backendOptions.options())
        for n in selection.notices { FileHandle.standardError.write(Data((n + "\n").utf8)) }
        let release = selection.mirror.kind == .kernel ? KernelRelease.running().release : "simulated"
        let report = ConformanceRunner.run(set, on: selection.mirror, kernelRelease: release, includeHazards: includeHazards)
        if let out { try report.write(to: out) }
        if json {
            print(String(decoding: try report.encoded(), as: UTF8.self))
        } else {
            print(report.render(width: 72), terminator: "")
        }
    }
}
