import Foundation
import Testing
@testable import HMMBench

/// hmm-ref run once per op (`--serve`): a block per line, the program's
/// failures as errors, and a program that is gone does not take hmmbench
/// with it. The programs are shell scripts standing in for hmm-ref.
struct ReferenceSessionTests {
    static let config = OverheadTests.config

    /// A server that answers every line N with N samples 10, 20, ... and
    /// writes each line it got to `log` (one file per test).
    static func server(log: String) throws -> String {
        try OverheadTests.script("""
            case "$*" in *--serve*) ;; *) echo "hmm-ref: error: not started with --serve" >&2; exit 2 ;; esac
            while read n; do
              echo "$n" >> \(log)
              s=10; i=1
              while [ $i -lt $n ]; do i=$((i + 1)); s="$s,$((i * 10))"; done
              echo "{\\"tool\\":\\"hmm-ref\\",\\"op\\":\\"$1\\",\\"size\\":$3,\\"device\\":$9,\\"warmup\\":$7,\\"uapi\\":\\"${11}\\",\\"samples_ns\\":[$s]}"
            done
            """)
    }

    @Test func blocksRunInOneProcessALinePerBlock() throws {
        let log = NSTemporaryDirectory() + "hmm-ref-serve-\(getpid())-\(UUID().uuidString)"
        let path = try Self.server(log: log)
        defer { unlink(path); unlink(log) }
        let session = try ReferenceProgram(path: path).serve(.snapshot, Self.config, uapi: "6.1", cpu: 0)
        #expect(try session.block(reps: 3).samplesNs == [10, 20, 30])
        #expect(try session.block(reps: 1).samplesNs == [10])
        try session.finish()
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "3\n1\n")
    }

    @Test func aFailureIsTheProgramsOwnMessage() throws {
        let path = try OverheadTests.script("""
            read n
            echo "hmm-ref: error: HMM_DMIRROR_SNAPSHOT: EFAULT (Bad address)" >&2
            exit 4
            """)
        defer { unlink(path) }
        let session = try ReferenceProgram(path: path).serve(.snapshot, Self.config, uapi: "6.1")
        let e = OverheadTests.error { _ = try session.block(reps: 2) }
        #expect(e?.kind == .system)
        #expect(e?.message.contains("HMM_DMIRROR_SNAPSHOT: EFAULT") == true)
        #expect(e?.errno == EFAULT)
    }

    @Test func anHmmRefWithoutServeSaysToRebuild() throws {
        let path = try OverheadTests.script("""
            echo "hmm-ref: error: unknown option --serve" >&2
            exit 2
            """)
        defer { unlink(path) }
        let session = try ReferenceProgram(path: path).serve(.read, Self.config, uapi: "6.1")
        let e = OverheadTests.error { _ = try session.block(reps: 2) }
        #expect(e?.kind == .usage)
        #expect(e?.hint?.contains("predates --serve") == true)
    }

    /// The program exits without reading: writing to it must not raise a
    /// SIGPIPE that ends hmmbench (this test process would die).
    @Test func aProgramThatIsGoneIsAnErrorNotASignal() throws {
        let path = try OverheadTests.script("exit 0")
        defer { unlink(path) }
        let session = try ReferenceProgram(path: path).serve(.read, Self.config, uapi: "6.1")
        usleep(100_000)
        for _ in 0..<3 {
            let e = OverheadTests.error { _ = try session.block(reps: 2) }
            #expect(e?.message.contains("ended before its block's output") == true)
        }
    }

    @Test func theReportSaysWhereTheReferenceRan() throws {
        var config = Self.config
        config.referenceProcess = .perBlock
        var r = OverheadTests.sampleReport()
        #expect(r.referenceProcess == .perOp)
        #expect(r.text().contains("one hmm-ref process per op"))
        r = OverheadReport(uapi: "6.1", kernelRelease: "6.1", virtualization: "tcg", config: config,
                           cpu: MeasuringCPU(cpu: 0, reason: "test"), referenceProgram: "/bin/hmm-ref", startedAt: "now")
        #expect(r.text().contains("a new hmm-ref process per block"))
        let json = try JSONEncoder().encode(r)
        #expect(String(decoding: json, as: UTF8.self).contains(#""reference_process":"block""#))
        // Files from before the field ran a process per block.
        var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(OverheadTests.sampleReport())) as! [String: Any]
        object["reference_process"] = nil
        let old = try JSONDecoder().decode(OverheadReport.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.referenceProcess == .perBlock)
        #expect(throws: HMMBenchError.self) { _ = try ReferenceProcess.parse("thread") }
    }
}
