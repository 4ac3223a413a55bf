import Foundation

/// Runs a program from a test and captures what a user would see. Both
/// pipes are drained at once (stderr on its own thread), so a child that
/// writes more than a pipe holds (64 KiB) to one of them while the test
/// reads the other never deadlocks (EndToEndTests/CLIHarnessTests). Foundation's `Process` is fine here:
/// tests run on the build host, never in the test-bed guest.
public enum ChildProcess {
    /// Exit status, stdout and stderr.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs `path` with `args` in `directory`, with `environment` added to
    /// this process's; `interruptAfter` sends SIGINT after that many seconds.
    public static func run(_ path: String, _ args: [String], directory: URL? = nil, environment: [String: String] = [:],
                           interruptAfter: Double? = nil) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errData = Drain(err.fileHandleForReading)
        if let t = interruptAfter {
            Thread.sleep(forTimeInterval: t)
            kill(p.processIdentifier, SIGINT)
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errData.wait()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e, as: UTF8.self))
    }

    /// Reads a handle to its end on a thread of its own.
    final class Drain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}
