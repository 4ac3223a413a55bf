import ArgumentParser
import Foundation
import HMMBench

/// The `hmmbench` root command: subcommands only, and the one place that
/// turns errors into a message and an exit code.
@main
struct HMMBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmmbench",
        abstract: "Time the kernel's HMM (test_hmm) and NUMA migration paths.",
        discussion: """
        hmmbench drives lib/test_hmm.c's /dev/hmm_dmirrorN devices (hmm_range_fault, \
        migrate_vma_*, device-exclusive access, device-to-device) and NUMA page migration \
        (move_pages, mbind, migrate_pages), and records every number with the kernel, \
        uapi generation, backend and environment it came from.

        Without the driver it runs the same flows on a simulated backend and says so. \
        bench/vm/run builds and boots a kernel with CONFIG_TEST_HMM=m under qemu: \
        --kernel debian (= debian:6.1, the default) or --kernel debian:6.12 for Debian's \
        trees (uapi 6.1-6.18), --kernel PATH for any tree from 5.8 on.

        Start with 'hmmbench probe', then 'hmmbench list', 'hmmbench run --suite quick \
        --out base.json', and 'hmmbench compare base.json new.json'.

        Exit codes: 0 success; 1 regression found (compare --fail-on-regression) or \
        conformance differences; 2 bad input or data (run: before measuring); 3 missing \
        environment (device, module, permission) or nothing measured; 4 a measurement \
        failed (kernel call, post-check, memory); 130 interrupted.
        """,
        version: HMMBenchVersion.string,
        subcommands: [ProbeCommand.self, ListCommand.self, RunCommand.self, ReportCommand.self,
                      CompareCommand.self, PlotCommand.self, ConformanceCommand.self, OverheadCommand.self]
    )

    static func main() {
        SignalExit.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as HMMBenchError {
            var line = "hmmbench: error: \(error.message)"
            if let hint = error.hint { line += "\n  hint: \(hint)" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            Foundation.exit(error.exitCode)
        } catch {
            // ArgumentParser's own errors: help and version exit 0; usage
            // errors (a bad enum value among them, with the valid list)
            // exit 2 like ours (its default would be 64), and start with
            // the same "hmmbench: error:" line; the usage follows.
            let code = exitCode(for: error)
            if code == .success || error is CleanExit { exit(withError: error) }
            if let e = error as? ExitCode { Foundation.exit(e.rawValue) }
            var lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let first = lines.first, first.hasPrefix("Error: ") {
                lines[0] = "hmmbench: error: " + first.dropFirst("Error: ".count)
            }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
