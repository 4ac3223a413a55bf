import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

struct OverheadTests {
    static let config = OverheadConfig(size: 2 << 20, repetitions: 3, warmup: 1, device: 0)

    static func refJSON(tool: String = "hmm-ref", op: String = "read", size: Int = 2 << 20, device: Int = 0,
                        warmup: Int = 1, samples: [UInt64] = [1200, 1100, 1300], extra: String = "") -> Data {
        let s = samples.map(String.init).joined(separator: ",")
        return Data("""
            {"tool":"\(tool)","op":"\(op)","uapi":"6.1","size":\(size),"page_size":4096,"device":\(device),\
            "warmup":\(warmup),"reps":\(samples.count),"clock":"CLOCK_MONOTONIC_RAW"\(extra),"samples_ns":[\(s)]}

            """.utf8)
    }

    static func error(_ body: () throws -> Void) -> HMMBenchError? {
        do { try body(); return nil } catch let e as HMMBenchError { return e } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    /// A selection whose mirror is the kernel backend over an empty
    /// directory: nothing is opened before the checks under test.
    static func kernelSelection() -> BackendSelection {
        BackendSelection(mirror: KernelBackend(uapi: UAPIGeneration.v6_1.table, deviceDirectory: NSTemporaryDirectory()),
                         migrator: SimulatedMigrator(nodes: 2), uapiReason: "test", reason: "test", numaReason: "test",
                         notices: [])
    }

    // MARK: hmm-ref output

    @Test func parsesReferenceOutput() throws {
        let out = try ReferenceOutput.parse(Self.refJSON(extra: #","future_field":{"x":1}"#), op: .read,
                                            config: Self.config, uapi: "6.1")
        #expect(out.tool == "hmm-ref")
        #expect(out.op == "read")
        #expect(out.size == 2 << 20)
        #expect(out.pageSize == 4096)
        #expect(out.samplesNs == [1200, 1100, 1300])
        #expect(out.clock == "CLOCK_MONOTONIC_RAW")
    }

    @Test func parsesMinimalReferenceOutput() throws {
        let data = Data(#"{"tool":"hmm-ref","op":"roundtrip","size":2097152,"device":0,"warmup":1,"samples_ns":[5,6,7]}"#.utf8)
        let out = try ReferenceOutput.parse(data, op: .roundtrip, config: Self.config, uapi: "6.1")
        #expect(out.uapi == nil)
        #expect(out.samplesNs == [5, 6, 7])
    }

    @Test func rejectsMismatchedOrBrokenOutput() {
        let cases: [(Data, String)] = [
            (Data("hello".utf8), "no valid JSON"),
            (Data(#"{"tool":"hmm-ref"}"#.utf8), "no 'op'"),
            (Self.refJSON(tool: "other"), "tool 'other'"),
            (Self.refJSON(op: "roundtrip"), "op 'roundtrip'"),
            (Self.refJSON(size: 4096), "size 4096"),
            (Self.refJSON(device: 2), "device 2"),
            (Self.refJSON(warmup: 0), "warmup 0"),
            (Self.refJSON(samples: [1, 2]), "samples 2"),
            (Data(#"{"tool":"hmm-ref","op":"read","size":2097152,"device":0,"warmup":1,"samples_ns":[-1,2,3]}"#.utf8), "samples_ns"),
        ]
        for (data, needle) in cases {
            let e = Self.error { _ = try ReferenceOutput.parse(data, op: .read, config: Self.config, uapi: "6.1") }
            #expect(e?.kind == .data)
            #expect(e?.message.contains(needle) == true, "\(e?.message ?? "no error") should contain \(needle)")
        }
        let wrongUAPI = Self.error { _ = try ReferenceOutput.parse(Self.refJSON(), op: .read, config: Self.config, uapi: "6.0") }
        #expect(wrongUAPI?.message.contains("uapi 6.1, expected 6.0") == true)
    }

    // MARK: ratio

    @Test func ratioIsHmmbenchOverReference() throws {
        let e = OverheadEntry(op: .read, referenceSamplesNs: [100, 300, 200], hmmbenchSamplesNs: [110, 220, 330, 440])
        #expect(e.flow == "fault-read")
        #expect(e.reference.median == 200)
        #expect(e.hmmbench.median == 275)
        #expect(e.reference.n == 3 && e.hmmbench.n == 4)
        #expect(abs(try #require(e.ratioMedian) - 1.375) < 1e-12)
        #expect(abs(try #require(e.ratioMean) - 275.0 / 200.0) < 1e-12)
        let same = OverheadEntry(op: .roundtrip, referenceSamplesNs: [5, 5], hmmbenchSamplesNs: [5, 5])
        #expect(same.ratioMedian == 1.0 && same.ratioMean == 1.0)
        #expect(same.flow == "migrate-roundtrip")
        let zero = OverheadEntry(op: .read, referenceSamplesNs: [0, 0], hmmbenchSamplesNs: [5, 5])
        #expect(zero.ratioMedian == nil && zero.ratioMean == nil)
        #expect(OverheadEntry.ratio(.nan, 1) == nil)
        #expect(OverheadEntry.ratio(3, 2) == 1.5)
    }

    // MARK: refusals

    @Test func refusesSimulatedBackend() throws {
        let sim = try BackendSelector.select(BackendOptions(choice: .sim))
        let e = Self.error {
            _ = try OverheadComparison.run(Self.config, reference: ReferenceProgram(path: "/bin/true"), selection: sim)
        }
        #expect(e?.kind == .environment)
        #expect(e?.message.hasPrefix("overhead needs the real driver") == true)
        #expect(e?.hint?.contains("bench/vm/run") == true)
    }

    @Test func missingReferenceProgram() {
        let gone = "/nonexistent-\(getpid())/hmm-ref"
        let explicit = Self.error { _ = try ReferenceProgram.locate(explicit: gone) }
        #expect(explicit?.kind == .environment)
        #expect(explicit?.message.contains("\(gone) does not exist") == true)
        #expect(explicit?.hint?.contains("gcc") == true)

        let searched = Self.error { _ = try ReferenceProgram.locate(explicit: nil, candidates: [gone, "/nonexistent/b/hmm-ref"]) }
        #expect(searched?.kind == .environment)
        #expect(searched?.message.contains("looked at \(gone), /nonexistent/b/hmm-ref") == true)

        // Through the comparison itself, on a kernel selection: refused
        // before any device is opened.
        let viaRun = Self.error {
            _ = try OverheadComparison.run(Self.config, reference: ReferenceProgram(path: gone), selection: Self.kernelSelection())
        }
        #expect(viaRun?.kind == .environment)
        #expect(viaRun?.message.contains("missing or not executable") == true)
    }

    @Test func locatesNextToExecutableFirst() throws {
        let c = ReferenceProgram.defaultCandidates(executablePath: "/opt/hb/bin/hmmbench", workingDirectory: "/src/hmmbench")
        #expect(c == ["/opt/hb/bin/hmm-ref", "/src/hmmbench/bench/reference/hmm-ref"])
        #expect(try ReferenceProgram.locate(explicit: nil, candidates: ["/nonexistent/hmm-ref", "/bin/sh"]).path == "/bin/sh")
    }

    @Test func rejectsBadConfigAndCustomTable() throws {
        #expect(Self.error { try OverheadConfig(device: 1).validate() }?.kind == .usage)
        #expect(Self.error { try OverheadConfig(size: 4097).validate() }?.kind == .usage)
        #expect(Self.error { try OverheadConfig(repetitions: 0).validate() }?.kind == .usage)
        #expect(Self.error { try OverheadConfig(ops: []).validate() }?.kind == .usage)
        #expect(OverheadConfig(device: 2).memory == .coherent)
        #expect(try OverheadComparison.referenceUAPI(UAPIGeneration.v5_14.table) == "5.14")
        let custom = try UAPITable.parse("read=0,migrate-to-dev=2,migrate-to-sys=4")
        #expect(Self.error { _ = try OverheadComparison.referenceUAPI(custom) }?.kind == .usage)
    }

    /// The parameters handed to the engine are ones the flows accept, and
    /// every op hmm-ref knows has a flow.
    @Test func flowValuesMatchTheCatalog() throws {
        #expect(OverheadOp.allCases.map(\.rawValue) == ["read", "write", "snapshot", "migrate-to-dev", "migrate-to-sys",
                                                        "roundtrip", "exclusive", "move-pages"])
        for op in OverheadOp.allCases {
            let p = try FlowCatalog.standard.parameters(flow: op.flow, values: op.flowValues(size: 2 << 20, memory: .private))
            #expect(p.values["mapping"] == (op == .exclusive ? nil : "anon"), "\(op)")
            #expect(p.values["memory"] == (op == .movePages ? nil : "private"), "\(op)")
            #expect(try p.size() == 2 << 20)
        }
        #expect(OverheadOp.read.flowValues(size: 4096, memory: .private)["populate"] == "yes")
        #expect(OverheadOp.snapshot.flowValues(size: 4096, memory: .private)["populate"] == "write")
        #expect(OverheadOp.exclusive.flowValues(size: 4096, memory: .private)["phase"] == "make")
        #expect(OverheadOp.movePages.flowValues(size: 4096, memory: .private)["batch"] == "512")
        #expect(OverheadOp.roundtrip.requiredRequest == .migrateToSystem)
        #expect(OverheadOp.exclusive.requiredRequest == .exclusive)
        #expect(!OverheadOp.movePages.usesDevice)
    }

    // MARK: running the program

    static func script(_ body: String) throws -> String {
        let path = NSTemporaryDirectory() + "hmm-ref-fake-\(getpid())-\(UUID().uuidString)"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func runsTheProgramAndPassesTheSameWork() throws {
        // Echoes its arguments into the JSON so the test sees what it was given.
        let path = try Self.script("""
            echo "{\\"tool\\":\\"hmm-ref\\",\\"op\\":\\"$1\\",\\"size\\":$3,\\"device\\":$9,\\"warmup\\":$7,\\"uapi\\":\\"${11}\\",\\"samples_ns\\":[10,20,30],\\"args\\":\\"$*\\"}"
            """)
        defer { unlink(path) }
        let ref = ReferenceProgram(path: path)
        #expect(ref.arguments(.roundtrip, Self.config, uapi: "6.1")
            == ["roundtrip", "--size", "2097152", "--reps", "3", "--warmup", "1", "--device", "0", "--uapi", "6.1"])
        #expect(ref.arguments(.movePages, Self.config, reps: 2, uapi: "6.1", cpu: 1)
            == ["move-pages", "--size", "2097152", "--reps", "2", "--warmup", "1", "--device", "0", "--uapi", "6.1",
                "--cpu", "1", "--from", "0", "--to", "1", "--batch", "512"])
        let out = try ref.run(.roundtrip, Self.config, uapi: "6.1")
        #expect(out.op == "roundtrip")
        #expect(out.samplesNs == [10, 20, 30])
    }

    @Test func programFailureKeepsItsMessageAndKind() throws {
        let path = try Self.script("""
            echo "hmm-ref: error: cannot open /dev/hmm_dmirror0: ENOENT (No such file or directory)" >&2
            echo "hmm-ref: hint: load test_hmm" >&2
            exit 3
            """)
        defer { unlink(path) }
        let e = Self.error { _ = try ReferenceProgram(path: path).run(.read, Self.config, uapi: "6.1") }
        #expect(e?.kind == .environment)
        #expect(e?.message == "hmm-ref read failed (exit 3): cannot open /dev/hmm_dmirror0: ENOENT (No such file or directory)")
        #expect(e?.hint == "load test_hmm")
        #expect(e?.errno == ENOENT)

        let failing = try Self.script("echo 'hmm-ref: error: HMM_DMIRROR_READ: EFAULT (Bad address)' >&2; exit 4")
        defer { unlink(failing) }
        let f = Self.error { _ = try ReferenceProgram(path: failing).run(.read, Self.config, uapi: "6.1") }
        #expect(f?.kind == .system)
        #expect(f?.errno == EFAULT)
    }

    @Test func drainsBothPipesAndReportsSignals() throws {
        // 256 KiB on stderr before stdout: more than a pipe holds.
        let chatty = try Self.script("""
            head -c 262144 /dev/zero | tr '\\0' x >&2
            echo '{"tool":"hmm-ref","op":"read","size":2097152,"device":0,"warmup":1,"samples_ns":[1,2,3]}'
            """)
        defer { unlink(chatty) }
        let r = try ReferenceProgram.spawn(chatty, [])
        #expect(r.status == 0 && !r.signaled)
        #expect(r.stderr.count == 262_144)
        #expect(try ReferenceOutput.parse(r.stdout, op: .read, config: Self.config).samplesNs == [1, 2, 3])

        let killed = try Self.script("kill -9 $$")
        defer { unlink(killed) }
        let e = Self.error { _ = try ReferenceProgram(path: killed).run(.read, Self.config, uapi: "6.1") }
        #expect(e?.kind == .system)
        #expect(e?.message.contains("killed by signal 9") == true)

        let notExecutable = Self.error { _ = try ReferenceProgram.spawn("/nonexistent/hmm-ref", []) }
        #expect(notExecutable?.kind == .environment)
        #expect(notExecutable?.errno == ENOENT)
    }

    // MARK: report

    static func sampleReport() -> OverheadReport {
        var r = OverheadReport(uapi: "6.1", kernelRelease: "6.1.0-hmmbench", virtualization: "tcg", config: Self.config,
                               cpu: MeasuringCPU(cpu: 0, reason: "default: lowest allowed CPU of node 0, which holds the memory"),
                               referenceProgram: "/bin/hmm-ref", startedAt: "2026-01-01T00:00:00Z")
        r.entries = [
            OverheadEntry(op: .read, referenceSamplesNs: [812_000, 820_000, 790_000], hmmbenchSamplesNs: [830_000, 845_000, 828_000],
                          hmmbenchCheck: FlowCheck(passed: true, detail: "ok")),
            OverheadEntry(op: .roundtrip, referenceSamplesNs: [12_400_000, 12_900_000, 12_100_000],
                          hmmbenchSamplesNs: [12_600_000, 13_000_000, 12_200_000],
                          hmmbenchCheck: FlowCheck(passed: false, detail: String(repeating: "page differs ", count: 12))),
        ]
        r.skipped = [OverheadSkip(op: .roundtrip, reason: String(repeating: "a long reason ", count: 10))]
        r.notes = ["hmmbench ran first"]
        return r
    }

    @Test func textFitsSeventyTwoColumns() {
        let text = Self.sampleReport().text()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(line.count <= 72, "too wide: '\(line)'")
        }
        #expect(text.contains("hmm-ref"))
        #expect(text.contains("1.022"))
        #expect(text.contains("both on CPU 0"))
        #expect(text.contains("blocks of 5"))
        #expect(text.contains("not met: read,"))
        #expect(text.contains("tcg: software emulation"))
        #expect(text.contains("check FAILED"))
        #expect(text.contains("ratio = hmmbench / hmm-ref"))
    }

    /// An entry whose hmmbench samples are hmm-ref's times `factor`.
    static func entry(_ op: OverheadOp, _ factor: Double) -> OverheadEntry {
        let ref: [UInt64] = [1000, 1010, 990, 1005, 995, 1000, 1002, 998]
        return OverheadEntry(op: op, referenceSamplesNs: ref, hmmbenchSamplesNs: ref.map { Double($0) * factor })
    }

    /// An op above the limit fails only when its recheck at the same
    /// limit is above it too; without a recheck the first interval decides.
    @Test func recheckClearsNoiseAndConfirmsARealOverhead() throws {
        var r = Self.sampleReport()
        r.entries = [Self.entry(.read, 1.1), Self.entry(.snapshot, 1.1), Self.entry(.write, 1.0)]
        #expect(r.above(1.05) == [.read, .snapshot])
        r.recheckLimit = 1.05
        r.rechecks = [Self.entry(.read, 1.0), Self.entry(.snapshot, 1.2)]
        #expect(r.above(1.05) == [.snapshot])
        // A recheck made against another limit clears nothing.
        #expect(r.above(1.02) == [.read, .snapshot])
        let text = r.text()
        #expect(text.contains("recheck read: first 1.100"))
        #expect(text.replacingOccurrences(of: "\n    ", with: " ").contains("in 8 reps against 1.05"))
        #expect(text.contains("noise"))
        #expect(text.contains("recheck snapshot"))
        #expect(text.contains("confirmed"))
        #expect(!text.split(separator: "\n").contains { $0.count > 72 })
        let back = try JSONDecoder().decode(OverheadReport.self, from: try JSONOutput.data(r))
        #expect(back == r)
        // A schema 2 file (no recheck keys) still reads.
        var old = try #require(try JSONSerialization.jsonObject(with: try JSONOutput.data(Self.sampleReport())) as? [String: Any])
        old["schema_version"] = 2
        old["rechecks"] = nil
        old["recheck_limit"] = nil
        let v2 = try JSONDecoder().decode(OverheadReport.self, from: try JSONSerialization.data(withJSONObject: old))
        #expect(v2.rechecks == nil)
    }

    /// `overhead --check`: a stored report reads back (schema 3, and the
    /// schema 1 file of the smoke fixture), the ops above a limit are named
    /// with both intervals, and a file that is not an overhead report is a
    /// one-line data error.
    @Test func storedReportsReadBackAndNameWhatIsAbove() throws {
        var r = Self.sampleReport()
        r.entries = [Self.entry(.read, 1.1), Self.entry(.snapshot, 1.2), Self.entry(.write, 1.0)]
        r.recheckLimit = 1.05
        r.rechecks = [Self.entry(.snapshot, 1.2)]
        let dir = TestFiles.temporaryDirectory("overhead-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func file(_ name: String) -> String { dir + "/" + name }
        let path = file("overhead.json")
        try AtomicWriter.writeJSON(r, to: path)
        let back = try OverheadReportReader.load(path)
        #expect(back == r)
        let details = back.aboveDetails(1.05)
        #expect(details.count == 2)
        #expect(details[0].hasPrefix("read 1.100 (") && details[0].hasSuffix("not measured again"))
        #expect(details[1].hasPrefix("snapshot 1.200 (") && details[1].contains(", again 1.200 ("))
        #expect(back.aboveDetails(1.5).isEmpty)

        // The smoke fixture's overhead.json: schema 1, sequential, unpinned.
        let fixture = TestFiles.inRepo("bench/vm/tests/fixtures/linux-6.1.192/overhead.json")
        let v1 = try OverheadReportReader.load(fixture)
        #expect(v1.schemaVersion == 1 && v1.cpu.cpu == -1 && v1.block == v1.reps && !v1.entries.isEmpty)
        #expect(v1.text().contains("neither pinned"))

        try "{\"schema_version\": 3".write(toFile: file("cut.json"), atomically: true, encoding: .utf8)
        try "{\"schema_version\": 3, \"tool\": \"hmmbench\"}".write(toFile: file("run.json"), atomically: true,
                                                                        encoding: .utf8)
        for (name, needle) in [("cut.json", "not JSON"), ("run.json", "not an hmmbench overhead report"),
                               ("missing.json", "no such file")] {
            do {
                _ = try OverheadReportReader.load(file(name))
                Issue.record("\(name) read")
            } catch let e as HMMBenchError {
                #expect(e.kind == .data && e.message.contains(needle), "\(e.message)")
            }
        }
    }

    /// A cv ratio above 1.5 made by three slow repetitions, the middle
    /// half as wide as hmm-ref's: the report says which it is.
    @Test func aCVRatioFromAFewSlowRepetitionsIsSaidToBeThat() {
        // Both tools: 100 samples evenly 99-101 us; hmmbench with three at 150.
        let even = (0..<100).map { 99_000 + UInt64($0) * 20 }
        let hb = even.map { Double($0) } + [150_000, 150_000, 150_000]
        let e = OverheadEntry(op: .snapshot, referenceSamplesNs: even + [99_500, 100_500, 100_000], hmmbenchSamplesNs: hb)
        #expect((e.ratioCV ?? 0) > 1.5)
        #expect(abs((e.ratioIQR ?? 0) - 1) < 0.1)
        #expect(e.slowRepetitions() == (reference: 0, hmmbench: 3))
        var r = Self.sampleReport()
        r.entries = [e]
        let text = r.text()
        #expect(text.contains("cv ratio \(Format.fixed(e.ratioCV ?? 0, 2)) of snapshot: 3 of hmmbench's repetitions above"))
        #expect(text.contains("middle half's spread ratio 1.0"))
        // Without the slow ones the CVs agree and nothing is said.
        r.entries = [OverheadEntry(op: .snapshot, referenceSamplesNs: even, hmmbenchSamplesNs: even.map { Double($0) })]
        #expect(!r.text().contains("middle half"))
    }

    @Test func reportJSONRoundTripsWithDocumentedKeys() throws {
        let r = Self.sampleReport()
        let data = try JSONOutput.data(r)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["schema_version", "backend", "kernel_release", "virtualization", "size", "reps", "block", "cpu", "bootstrap",
                    "entries"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["backend"] as? String == "kernel")
        let entry = try #require((object["entries"] as? [[String: Any]])?.first)
        for key in ["op", "reference", "hmmbench", "ratio_median", "ratio_median_ci", "ratio_mean", "ratio_cv", "ratio_iqr"] {
            #expect(entry[key] != nil, "missing entries[].\(key)")
        }
        #expect(try JSONDecoder().decode(OverheadReport.self, from: data) == r)
    }
}
