import Foundation
import HMMBenchTestSupport

/// Runs the built `hmmbench` binary and captures what a user would see.
enum CLI {
    static let repoRoot: URL = TestFiles.repoRoot

    /// The debug binary SwiftPM built next to the tests.
    static var binary: String {
        if let p = ProcessInfo.processInfo.environment["HMMBENCH_BIN"] { return p }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("hmmbench").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repoRoot.appendingPathComponent(".build/debug/hmmbench").path
    }

    typealias Outcome = ChildProcess.Outcome

    /// Runs hmmbench (or `executable`) with `args` in the repo root (so
    /// bench/suites is found). `interruptAfter` sends SIGINT after that many
    /// seconds. Stdout and stderr are drained at the same time
    /// (`ChildProcess`, shared with the unit tests).
    static func run(_ args: [String], interruptAfter: Double? = nil, environment: [String: String] = [:],
                    executable: String? = nil) throws -> Outcome {
        try ChildProcess.run(executable ?? binary, args, directory: repoRoot, environment: environment,
                             interruptAfter: interruptAfter)
    }

    /// This test process's scratch dir, made once and removed when the
    /// process exits (so test runs do not pile up hmmbench-e2e-PID dirs).
    static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hmmbench-e2e-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hmmbench-e2e-\(getpid())")
            try? FileManager.default.removeItem(at: dir)
        }
        return dir
    }()

    static func temporaryFile(_ name: String) -> String {
        scratch.appendingPathComponent(name).path
    }
}
