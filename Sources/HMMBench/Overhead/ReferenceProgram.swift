import Foundation

/// The minimal C program (bench/reference/hmm-ref.c, built with gcc):
/// where it is and how to run it.
public struct ReferenceProgram: Equatable, Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// The program's name next to hmmbench and in the tree.
    public static let name = "hmm-ref"

    /// Where to look when `--reference` is not given: next to the hmmbench
    /// executable, then bench/reference/hmm-ref under the working directory.
    public static func defaultCandidates(executablePath: String = currentExecutable(),
                                         workingDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        var out: [String] = []
        let exe = executablePath
        if let slash = exe.lastIndex(of: "/") {
            let dir = String(exe[..<slash])
            out.append((dir.isEmpty ? "" : dir) + "/" + name)
        }
        out.append(workingDirectory + "/bench/reference/" + name)
        return out
    }

    /// The running executable: /proc/self/exe when it resolves (the real
    /// path even when started through PATH), else argv[0].
    public static func currentExecutable() -> String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), p.hasPrefix("/") { return p }
        return CommandLine.arguments.first ?? ""
    }

    /// The program at `explicit`, or the first executable candidate.
    /// Throws an `.environment` error naming every place looked at.
    public static func locate(explicit: String?, candidates: [String] = defaultCandidates()) throws -> ReferenceProgram {
        let build = "build it with 'gcc -O2 -Wall -Wextra -static -o bench/reference/hmm-ref bench/reference/hmm-ref.c' "
            + "(bench/overhead does), or give --reference PATH"
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw HMMBenchError(.environment, "reference program \(explicit) does not exist", hint: build)
            }
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw HMMBenchError(.environment, "reference program \(explicit) is not executable", hint: "chmod +x \(explicit), or " + build)
            }
            return ReferenceProgram(path: explicit)
        }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            return ReferenceProgram(path: c)
        }
        throw HMMBenchError(.environment, "reference program hmm-ref not found (looked at \(candidates.joined(separator: ", ")))",
                            hint: build)
    }

    /// The command line for one block of `reps` repetitions of `op`
    /// (all of `config`'s when nil), pinned to `cpu` when given.
    public func arguments(_ op: OverheadOp, _ config: OverheadConfig, reps: Int? = nil, uapi: String, cpu: Int? = nil) -> [String] {
        var a = [op.rawValue, "--size", String(config.size), "--reps", String(reps ?? config.repetitions),
                 "--warmup", String(config.warmup), "--device", String(config.device), "--uapi", uapi]
        if let cpu { a += ["--cpu", String(cpu)] }
        if op == .movePages {
            a += ["--from", String(OverheadOp.moveFrom), "--to", String(OverheadOp.moveTo), "--batch", String(OverheadOp.moveBatch)]
        }
        return a
    }

    /// Runs the program for one block of `op` and returns its checked
    /// output. A non-zero exit becomes an error of the kind its exit code
    /// says (2 usage, 3 environment, 4 kernel call), carrying the program's
    /// own message.
    public func run(_ op: OverheadOp, _ config: OverheadConfig, reps: Int? = nil, uapi: String, cpu: Int? = nil) throws -> ReferenceOutput {
        let (status, signaled, stdout, stderr) = try Self.spawn(path, arguments(op, config, reps: reps, uapi: uapi, cpu: cpu))
        let message = stderr.split(separator: "\n").map { line -> String in
            var l = String(line)
            if l.hasPrefix("hmm-ref: error: ") { l.removeFirst("hmm-ref: error: ".count) }
            return l
        }
        let errorLine = message.first { !$0.hasPrefix("hmm-ref: hint: ") } ?? "no message"
        let hintLine = message.first { $0.hasPrefix("hmm-ref: hint: ") }.map { String($0.dropFirst("hmm-ref: hint: ".count)) }
        if signaled {
            if status == SIGINT || status == SIGTERM { throw HMMBenchError(.interrupted, "interrupted") }
            throw HMMBenchError(.system, "\(path) \(op.rawValue) was killed by signal \(status)")
        }
        if status != 0 {
            let kind: HMMBenchError.Kind = status == 2 ? .usage : status == 3 ? .environment : .system
            let errno = message.lazy.compactMap { Self.errnoCode(in: $0) }.first
            throw HMMBenchError(kind, "hmm-ref \(op.rawValue) failed (exit \(status)): \(errorLine)",
                                hint: hintLine ?? (kind == .environment ? "bench/vm/run boots a kernel with test_hmm" : nil),
                                errno: errno)
        }
        return try ReferenceOutput.parse(stdout, op: op, config: config, reps: reps, uapi: uapi, cpu: cpu)
    }

    /// The errno a message names ("...: ENOENT (No such file...)").
    static func errnoCode(in line: String) -> Int32? {
        for word in line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "(" }) where word.hasPrefix("E") {
            if let code = Errno.names.first(where: { $0.value == word })?.key { return code }
        }
        return nil
    }

    /// Runs `path` with `args` (see `Subprocess`), naming the reference
    /// program when it cannot start.
    static func spawn(_ path: String, _ args: [String]) throws -> (status: Int32, signaled: Bool, stdout: Data, stderr: String) {
        do {
            let r = try Subprocess.run(path, args)
            return (r.status, r.signaled, r.stdout, r.stderr)
        } catch let e as HMMBenchError where e.kind == .environment {
            throw HMMBenchError(.environment, "cannot start reference program \(path): \(Errno.describe(e.errno ?? 0))",
                                hint: "check that it is an x86-64 binary built from bench/reference/hmm-ref.c", errno: e.errno)
        }
    }
}

