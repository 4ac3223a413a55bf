import Foundation

/// hmm-ref started once for an op (`--serve`): each block is a line with
/// its repetition count on the program's stdin and one JSON line back, so
/// the reference's blocks run in one long-lived process, as hmmbench's
/// do. (A new process per block put 6.12's snapshot and move-pages rows
/// about 1% away from where one process per op has them under TCG:
/// bench/README.md, "One process per op for hmm-ref".)
public final class ReferenceSession {
    public let program: ReferenceProgram
    let op: OverheadOp
    let config: OverheadConfig
    let uapi: String
    let cpu: Int?
    private let child: Subprocess.Child

    init(program: ReferenceProgram, op: OverheadOp, config: OverheadConfig, uapi: String, cpu: Int?, child: Subprocess.Child) {
        self.program = program
        self.op = op
        self.config = config
        self.uapi = uapi
        self.cpu = cpu
        self.child = child
    }

    /// Runs one block of `reps` repetitions and returns its checked output.
    /// When the program has ended (it failed, or does not know --serve),
    /// the error its exit status and stderr say.
    public func block(reps: Int) throws -> ReferenceOutput {
        guard child.writeLine(String(reps)), let line = child.readLine() else { throw ended() }
        return try ReferenceOutput.parse(line, op: op, config: config, reps: reps, uapi: uapi, cpu: cpu)
    }

    /// Ends the session: closes the program's input and waits for it;
    /// an exit other than 0 is the error it says.
    public func finish() throws {
        let r = try child.finish()
        if let failure = program.failure(op, status: r.status, signaled: r.signaled, stderr: r.stderr) { throw failure }
    }

    /// Ends the session at once (the comparison stopped early).
    public func cancel() {
        _ = try? child.finish(kill: true)
    }

    /// The program stopped answering: why, from its exit.
    private func ended() -> HMMBenchError {
        guard let r = try? child.finish() else {
            return HMMBenchError(.system, "\(program.path) \(op.rawValue) stopped answering")
        }
        if var failure = program.failure(op, status: r.status, signaled: r.signaled, stderr: r.stderr) {
            if r.status == 2, r.stderr.contains("--serve") {
                failure.hint = "this hmm-ref predates --serve: rebuild it from bench/reference/hmm-ref.c, "
                    + "or give --reference-process block"
            }
            return failure
        }
        return HMMBenchError(.system, "\(program.path) \(op.rawValue) ended before its block's output")
    }
}
