import Foundation

/// Runs the built `hmmbench` binary and captures what a user would see.
enum CLI {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs hmmbench (or `executable`) with `args` in the repo root (so
    /// bench/suites is found). `interruptAfter` sends SIGINT after that many
    /// seconds. Stdout and stderr are drained at the same time, each on its
    /// own thread: reading one to its end before the other would deadlock as
    /// soon as the child fills the other pipe (64 KiB on Linux).
    static func run(_ args: [String], interruptAfter: Double? = nil, environment: [String: String] = [:],
                    executable: String? = nil) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = args
        p.currentDirectoryURL = repoRoot
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = Drain(out.fileHandleForReading)
        let stderr = Drain(err.fileHandleForReading)
        if let t = interruptAfter {
            Thread.sleep(forTimeInterval: t)
            kill(p.processIdentifier, SIGINT)
        }
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: stdout.wait(), as: UTF8.self),
                       stderr: String(decoding: stderr.wait(), as: UTF8.self))
    }

    /// Reads a pipe to its end on a thread of its own.
    final class Drain: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        init(_ handle: FileHandle) {
            let thread = Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
            thread.start()
        }

        /// Everything the pipe carried, once its writers closed it.
        func wait() -> Data {
            done.wait()
            return data
        }
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
