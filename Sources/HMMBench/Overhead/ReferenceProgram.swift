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
        let r = try Self.spawn(path, arguments(op, config, reps: reps, uapi: uapi, cpu: cpu))
        if let failure = failure(op, status: r.status, signaled: r.signaled, stderr: r.stderr) { throw failure }
        return try ReferenceOutput.parse(r.stdout, op: op, config: config, reps: reps, uapi: uapi, cpu: cpu)
    }

    /// Starts the program once for `op` with `--serve`: every block is
    /// then a line to it and a JSON line back, in that one process.
    public func serve(_ op: OverheadOp, _ config: OverheadConfig, uapi: String, cpu: Int? = nil) throws -> ReferenceSession {
        let child: Subprocess.Child
        do {
            child = try Subprocess.spawn(path, arguments(op, config, uapi: uapi, cpu: cpu) + ["--serve"], input: true)
        } catch let e as HMMBenchError where e.kind == .environment {
            throw Self.cannotStart(path, e)
        }
        return ReferenceSession(program: self, op: op, config: config, uapi: uapi, cpu: cpu, child: child)
    }

    /// The error a run that ended with `status` (or was killed by the
    /// signal `status` when `signaled`) stands for; nil for exit 0. The
    /// exit code says the kind (2 usage, 3 environment, 4 kernel call),
    /// the program's own stderr the message and hint.
    func failure(_ op: OverheadOp, status: Int32, signaled: Bool, stderr: String) -> HMMBenchError? {
        let message = stderr.split(separator: "\n").map { line -> String in
            var l = String(line)
            if l.hasPrefix("hmm-ref: error: ") { l.removeFirst("hmm-ref: error: ".count) }
            return l
        }
        let errorLine = message.first { !$0.hasPrefix("hmm-ref: hint: ") } ?? "no message"
        let hintLine = message.first { $0.hasPrefix("hmm-ref: hint: ") }.map { String($0.dropFirst("hmm-ref: hint: ".count)) }
        if signaled {
            if status == SIGINT || status == SIGTERM { return HMMBenchError(.interrupted, "interrupted") }
            return HMMBenchError(.system, "\(path) \(op.rawValue) was killed by signal \(status)")
        }
        guard status != 0 else { return nil }
        let kind: HMMBenchError.Kind = status == 2 ? .usage : status == 3 ? .environment : .system
        let errno = message.lazy.compactMap { Self.errnoCode(in: $0) }.first
        return HMMBenchError(kind, "hmm-ref \(op.rawValue) failed (exit \(status)): \(errorLine)",
                             hint: hintLine ?? (kind == .environment ? "bench/vm/run boots a kernel with test_hmm" : nil),
                             errno: errno)
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
    static func spawn(_ path: String, _ args: [String]) throws -> Subprocess.Result {
        do {
            return try Subprocess.run(path, args)
        } catch let e as HMMBenchError where e.kind == .environment {
            throw cannotStart(path, e)
        }
    }

    static func cannotStart(_ path: String, _ e: HMMBenchError) -> HMMBenchError {
        HMMBenchError(.environment, "cannot start reference program \(path): \(Errno.describe(e.errno ?? 0))",
                      hint: "check that it is an x86-64 binary built from bench/reference/hmm-ref.c", errno: e.errno)
    }
}

