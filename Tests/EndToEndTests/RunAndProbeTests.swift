import Foundation
import Testing

/// The binary as a user meets it: exit codes, one-line errors, files.
@Suite(.serialized)
struct RunAndProbeTests {
    @Test func probeJSONHasTheDocumentedKeys() throws {
        let r = try CLI.run(["probe", "--json", "--backend", "sim"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["backend"] as? String == "simulated")
        #expect(obj["uapi"] is String)
        #expect((obj["kernel"] as? [String: Any])?["release"] is String)
        #expect((obj["numa"] as? [String: Any])?["nodes"] is [Any])
        #expect(obj["devices"] is [Any])
        #expect(r.stderr.contains("SIMULATED"))
    }

    @Test func probeTextIsOneScreen() throws {
        let r = try CLI.run(["probe", "--backend", "sim"])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n").count < 50)
        #expect(r.stdout.contains("backend"))
    }

    /// Whether this box has the real driver: each test below states what
    /// must happen in both cases, so neither passes by doing nothing.
    static var haveDriver: Bool { FileManager.default.fileExists(atPath: "/dev/hmm_dmirror0") }

    @Test func kernelBackendMeansTheRealDriverOrAClearError() throws {
        let r = try CLI.run(["probe", "--json", "--backend", "kernel"])
        if Self.haveDriver {
            #expect(r.status == 0, "\(r.stderr)")
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(obj["backend"] as? String == "kernel")
            #expect(!r.stderr.contains("SIMULATED"))
        } else {
            #expect(r.status == 3)
            #expect(r.stderr.hasPrefix("hmmbench: error: no device /dev/hmm_dmirror0: the test_hmm module is not loaded"))
            #expect(r.stderr.contains("modprobe test_hmm"))
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func autoUsesTheDriverOrSaysItSimulates() throws {
        let out = CLI.temporaryFile("auto.json")
        let r = try CLI.run(["run", "--flow", "snapshot", "size=64K", "-n", "2", "--quiet", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let backend = (obj["environment"] as? [String: Any])?["backend"] as? String
        if Self.haveDriver {
            #expect(backend == "kernel")
            #expect(!r.stderr.contains("SIMULATED"), "\(r.stderr)")
        } else {
            #expect(backend == "simulated")
            #expect(r.stderr.contains("SIMULATED backend"))
            #expect(r.stderr.contains("modprobe test_hmm"))
        }
    }

    static let badInputs: [([String], String)] = [
        (["run", "--backend", "sim", "--flow", "fault-read", "size=0"], "size must be larger than zero"),
        (["run", "--backend", "sim", "--flow", "fault-read", "size=4097"], "not a multiple of 4 KiB"),
        (["run", "--backend", "sim", "--flow", "fault-read", "size=1024G"], "larger than this box's memory"),
        (["run", "--backend", "sim", "--flow", "migrate-to-dev", "mapping=thp", "size=4K"], "not a multiple of 2 MiB"),
        (["run", "--backend", "sim", "--flow", "numa-move-pages", "to=7"], "NUMA node 7 does not exist"),
        (["run", "--backend", "sim", "--nodes", "0", "--flow", "numa-mbind"], "--nodes 0 is out of range"),
        // Enums are parsed by swift-argument-parser: its message, with the valid list.
        (["run", "--backend", "sim", "--uapi", "4.2"],
         "The value '4.2' is invalid for '--uapi <generation>'. Please provide one of '5.8', '5.14', '6.0', '6.1' or '6.19'."),
        (["run", "--backend", "bogus"],
         "The value 'bogus' is invalid for '--backend <auto|kernel|sim>'. Please provide one of 'auto', 'kernel' or 'sim'."),
        (["report", "/no/such/run.json", "--format", "xml"],
         "The value 'xml' is invalid for '--format <format>'. Please provide one of"),
        (["compare", "/no/a.json", "/no/b.json", "--format", "html"], "The value 'html' is invalid for '--format"),
        (["run", "--backend", "sim", "--sim-profile", "5.0", "--flow", "snapshot"],
         "The value '5.0' is invalid for '--sim-profile <6.1|6.15|6.19>'. Please provide one of '6.1', '6.15' or '6.19'."),
        (["run", "--backend", "sim", "--flow", "no-such-flow"], "unknown flow 'no-such-flow'"),
        (["run", "--backend", "sim", "--suite", "no-such-suite"], "unknown suite 'no-such-suite'"),
        (["run", "--backend", "sim", "--flow", "fault-read", "colour=blue"], "unknown parameter 'colour'"),
        (["run", "--backend", "sim", "--flow", "fault-read", "mapping=weird"], "mapping=weird is not one of"),
        (["run", "--backend", "sim", "--flow", "fault-read", "-n", "0"], "--repetitions 0 is out of range"),
        (["run", "--backend", "sim", "--flow", "fault-read", "--cpu", "4096"], "--cpu 4096 is not an online CPU"),
        (["run", "--backend", "sim", "--suite", "quick", "--flow", "snapshot"], "give --suite or --flow, not both"),
        // Refused up front today, accepted silently or with the wrong code before.
        (["run", "--backend", "sim", "--flow", "snapshot", "size=64K", "size=2M"], "snapshot: parameter 'size' is given twice"),
        (["run", "--backend", "sim", "--suite-dir", "/no/such/dir", "--suite", "quick"], "--suite-dir /no/such/dir does not exist"),
        (["list", "--suite-dir", "/no/such/dir"], "--suite-dir /no/such/dir does not exist"),
        (["run", "--backend", "sim", "--membind", "0", "--flow", "snapshot"], "--membind 0 needs real NUMA nodes"),
        (["run", "--backend", "sim", "--flow", "numa-move-pages", "threads=256"], "threads=256 is out of range 0..."),
        (["run", "--backend", "sim", "--flow", "snapshot", "--out", "/proc/hmmbench-e2e.json"],
         "cannot write /proc/hmmbench-e2e.json: cannot create a file in /proc"),
        (["run", "--backend", "sim", "--flow", "snapshot", "--out", "/no/such/dir/run.json"],
         "cannot write /no/such/dir/run.json: directory /no/such/dir does not exist"),
        (["run", "--backend", "sim", "--flow", "snapshot", "-n", "2.5"], "--repetitions 2.5 is not a whole number (valid: 1...100000)"),
        (["run", "--backend", "sim", "--flow", "snapshot", "-n", "-1"], "--repetitions -1 is out of range 1...100000"),
        (["run", "--backend", "sim", "--flow", "snapshot", "--warmup", "-1"], "--warmup -1 is out of range 0...10000"),
        (["run", "--backend", "sim", "--flow", "migrate-to-dev", "size=64K,2M", "mapping=anon,thp"],
         "migrate-to-dev: 1 of 4 combinations are invalid: mapping=thp memory=private size=64K"),
        (["run", "--backend", "sim", "--flow", "numa-mbind", "from=1", "to=1"], "from=1 and to=1 are the same node"),
    ]

    @Test(arguments: badInputs.indices)
    func badInputIsOneLineAndExit2(index: Int) throws {
        let (args, message) = Self.badInputs[index]
        let r = try CLI.run(args)
        #expect(r.status == 2, "\(args): status \(r.status), stderr \(r.stderr)")
        let first = r.stderr.split(separator: "\n").first { $0.hasPrefix("hmmbench: error:") }
        #expect(first?.contains(message) == true, "\(args): \(r.stderr)")
        // Refused before the first measurement: no progress line, no table.
        #expect(!r.stderr.contains("[1/"), "\(args) measured before refusing: \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
    }

    /// A node that does not exist, late in a suite, is found before the
    /// first flow runs (not after minutes of work), and the previous --out
    /// is left as it was.
    @Test func aBadNodeAnywhereInASuiteIsRefusedBeforeMeasuring() throws {
        let suite = CLI.temporaryFile("badnode.suite")
        let out = CLI.temporaryFile("badnode.json")
        try "snapshot size=64K\nfault-read size=64K\nnuma-mbind size=2M to=9\n".write(toFile: suite, atomically: true, encoding: .utf8)
        try "previous\n".write(toFile: out, atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--backend", "sim", "--suite", suite, "-n", "2", "--out", out])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("hmmbench: error: suite badnode: numa-mbind to=9: NUMA node 9 does not exist (nodes: 0, 1"),
                "\(r.stderr)")
        #expect(!r.stderr.contains("[1/"), "measured before refusing: \(r.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous\n")
    }

    /// A result file whose field has the wrong type is named with the
    /// field and the type expected, never called "not JSON".
    @Test func aResultFieldOfTheWrongTypeIsNamed() throws {
        let good = CLI.temporaryFile("typed.json")
        let r0 = try CLI.run(["run", "--backend", "sim", "--flow", "snapshot", "size=64K", "-n", "2", "--quiet", "--out", good])
        #expect(r0.status == 0, "\(r0.stderr)")
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: good))) as? [String: Any])
        var results = try #require(obj["results"] as? [[String: Any]])
        results[0]["samples_ns"] = ["fast", "slow"]
        obj["results"] = results
        let bad = CLI.temporaryFile("typed-bad.json")
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: bad))
        let r = try CLI.run(["report", bad])
        #expect(r.status == 2)
        #expect(r.stderr.contains("hmmbench: error: \(bad): field results[0].samples_ns[0]: expected a number"), "\(r.stderr)")
        #expect(!r.stderr.contains("JSON"), "\(r.stderr)")
    }

    /// `--out` is only replaced by a file with a result or a failure: a
    /// run that stops at start, or measures nothing, leaves it alone.
    @Test func thePreviousOutSurvivesARunThatFailsAtStart() throws {
        let out = CLI.temporaryFile("survives.json")
        let r0 = try CLI.run(["run", "--backend", "sim", "--flow", "snapshot", "size=64K", "-n", "2", "--quiet", "--out", out])
        #expect(r0.status == 0, "\(r0.stderr)")
        let before = try String(contentsOfFile: out, encoding: .utf8)
        // Stops at start: bad input found against the box, and a pin to a CPU that does not exist.
        for args in [["--flow", "numa-move-pages", "to=7"], ["--flow", "snapshot", "--cpu", "4096"]] {
            let r = try CLI.run(["run", "--backend", "sim", "-n", "2", "--out", out] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == before, "\(args) replaced \(out)")
        }
        // Runs, but everything is skipped: nothing to replace it with.
        let r = try CLI.run(["run", "--backend", "sim", "--uapi", "5.14", "--flow", "migrate-to-sys", "-n", "2", "--out", out])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("\(out) left as it was"), "\(r.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
        try Self.expectNoTemporaryFiles(next: out)
    }

    static func expectNoTemporaryFiles(next path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(base + ".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)", sourceLocation: sourceLocation)
    }

    @Test func singleFlowWritesAValidRecordAtomically() throws {
        let out = CLI.temporaryFile("single.json")
        let r = try CLI.run(["run", "--backend", "sim", "--flow", "migrate-to-dev", "size=256K", "memory=private,coherent",
                             "-n", "3", "--warmup", "1", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(obj["schema_version"] as? Int == 3)
        #expect(obj["complete"] as? Bool == true)
        #expect((obj["environment"] as? [String: Any])?["backend"] as? String == "simulated")
        let results = try #require(obj["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results.allSatisfy { ($0["samples_ns"] as? [Any])?.count == 3 })
        #expect(Set(results.compactMap { $0["device_memory"] as? String }) == ["private", "coherent"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (out as NSString).deletingLastPathComponent)
            .filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// A flow the user named that cannot run here is recorded as a skip
    /// with its reason, and the run is not a success: exit 3.
    @Test func unsupportedOperationIsASkipWithReason() throws {
        let out = CLI.temporaryFile("skip.json")
        let r = try CLI.run(["run", "--backend", "sim", "--uapi", "5.14", "--flow", "migrate-to-sys", "-n", "2", "--out", out])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("hmmbench: error: nothing was measured"), "\(r.stderr)")
        #expect(r.stderr.contains("skipped: uapi 5.14-5.19 has no HMM_DMIRROR_MIGRATE_TO_SYS"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let skipped = try #require(obj["skipped"] as? [[String: Any]])
        #expect(skipped.first?["reason"] as? String == "uapi 5.14-5.19 has no HMM_DMIRROR_MIGRATE_TO_SYS")
    }

    /// A kernel call that fails is a failure, never a skip: the simulated
    /// driver decodes request numbers with its own table, so a custom table
    /// that sends an unknown number gets EINVAL. The other flows still run,
    /// the file lists the failure with its errno, and the run exits 4.
    @Test func failedKernelCallIsRecordedAndExitsFour() throws {
        let out = CLI.temporaryFile("failed.json")
        let suite = CLI.temporaryFile("inject.suite")
        try "migrate-to-dev size=64K\nfault-read size=64K\n".write(toFile: suite, atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--backend", "sim", "--uapi-table", "read=0,write=1,migrate-to-dev=66,migrate-to-sys=3,snapshot=4",
                             "--suite", suite, "-n", "2", "--warmup", "0", "--out", out])
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stderr.contains("1 of 2 planned measurements failed"), "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let failed = try #require(obj["failed"] as? [[String: Any]])
        #expect(failed.count == 1)
        #expect(failed.first?["flow"] as? String == "migrate-to-dev")
        #expect(failed.first?["errno"] as? Int == Int(EINVAL))
        #expect(failed.first?["errno_name"] as? String == "EINVAL")
        #expect((obj["skipped"] as? [Any])?.isEmpty == true)
        #expect((obj["results"] as? [[String: Any]])?.map { $0["flow"] as? String } == ["fault-read"])
    }

    /// One Ctrl-C, sent once the binary says the third repetition of a
    /// flow with 100000 planned has finished: the run stops after the
    /// repetition under way, keeps the finished ones as a partial result
    /// with a note, writes the file marked incomplete and exits 130.
    @Test func oneCtrlCKeepsTheFinishedRepetitionsOfTheCurrentFlow() throws {
        let out = CLI.temporaryFile("interrupted.json")
        try "previous\n".write(toFile: out, atomically: true, encoding: .utf8)
        let r = try Self.runInterrupting(["run", "--backend", "sim", "--flow", "fault-read", "size=2M", "-n", "100000",
                                          "--warmup", "0", "--verbose", "--out", out],
                                         at: ["repetition 3/100000"])
        #expect(r.status == 130, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("hmmbench: interrupted: stopping after the current repetition"), "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(obj["complete"] as? Bool == false)
        let reason = try #require(obj["incomplete_reason"] as? String)
        #expect(reason.contains("interrupted by a signal during flow 1 of 1"), "\(reason)")
        let results = try #require(obj["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let samples = try #require(results.first?["samples_ns"] as? [Double])
        #expect(samples.count >= 3 && samples.count < 100_000, "\(samples.count) samples")
        #expect((results.first?["notes"] as? [String])?.contains("interrupted after \(samples.count) of 100000 repetitions") == true,
                "\(results.first?["notes"] ?? "no notes")")
        #expect(reason.contains("interrupted after \(samples.count) of 100000 repetitions"))
        try Self.expectNoTemporaryFiles(next: out)
    }

    /// A second Ctrl-C stops at once: the repetition under way is not
    /// waited for, the current flow leaves nothing, and the file written
    /// after the last finished flow stays as it was (valid, incomplete).
    /// The second signal goes only after the binary has said it handled
    /// the first (two signals sent back to back can merge into one).
    @Test func twoCtrlCStopAtOnce() throws {
        let suite = CLI.temporaryFile("twice.suite")
        let out = CLI.temporaryFile("twice.json")
        // Each repetition of the second flow maps and faults 256 MiB: far
        // longer than a signal takes to arrive.
        try "snapshot size=64K\nfault-read size=256M\n".write(toFile: suite, atomically: true, encoding: .utf8)
        let r = try Self.runInterrupting(["run", "--backend", "sim", "--suite", suite, "-n", "3", "--warmup", "0",
                                          "--verbose", "--out", out],
                                         at: ["[2/2] fault-read", "hmmbench: interrupted: stopping after the current repetition"])
        #expect(r.status == 130, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("hmmbench: interrupted again: stopping at once"), "\(r.stderr)")
        // The run did not get as far as writing the partial flow.
        #expect(!r.stderr.contains("partial result"), "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(obj["complete"] as? Bool == false)
        #expect((obj["incomplete_reason"] as? String)?.contains("1 of 2 flows done") == true, "\(obj["incomplete_reason"] ?? "none")")
        let results = try #require(obj["results"] as? [[String: Any]])
        #expect(results.map { $0["flow"] as? String } == ["snapshot"])
        #expect((results.first?["samples_ns"] as? [Any])?.count == 3)
        try Self.expectNoTemporaryFiles(next: out)
    }

    /// Runs hmmbench reading its stderr as it comes, and sends SIGINT each
    /// time the next of `triggers` appears (in order, after the previous
    /// one). Stdout is discarded. A watchdog kills a run that never shows
    /// its trigger, so a broken binary fails the test instead of hanging it.
    static func runInterrupting(_ args: [String], at triggers: [String]) throws -> CLI.Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = args
        p.currentDirectoryURL = CLI.repoRoot
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 300, execute: watchdog)
        var data = Data()
        var pending = triggers[...]
        var searchFrom = 0
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
            let text = String(decoding: data, as: UTF8.self)
            while let t = pending.first,
                  let range = text.range(of: t, range: text.index(text.startIndex, offsetBy: min(searchFrom, text.count))..<text.endIndex) {
                kill(pid, SIGINT)
                searchFrom = text.distance(from: text.startIndex, to: range.upperBound)
                pending.removeFirst()
            }
        }
        p.waitUntilExit()
        watchdog.cancel()
        let stderr = String(decoding: data, as: UTF8.self)
        #expect(pending.isEmpty, "never saw \(Array(pending)) on stderr: \(stderr)")
        return CLI.Outcome(status: p.terminationStatus, stdout: "", stderr: stderr)
    }

    @Test func listShowsEveryFlowAndTheSuites() throws {
        let r = try CLI.run(["list", "--json"])
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let names = (obj["flows"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        for f in ["fault-read", "fault-write", "snapshot", "migrate-to-dev", "migrate-to-sys", "migrate-back-cpu-fault",
                  "migrate-roundtrip", "fault-then-migrate", "migrate-then-fault", "cross-device", "exclusive",
                  "numa-move-pages", "numa-mbind", "numa-migrate-pages", "copy-bandwidth"] {
            #expect(names.contains(f), "missing \(f)")
        }
        let suites = (obj["suites"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(Set(suites).isSuperset(of: ["quick", "full", "fault-migrate", "cross-device", "tlb", "thp"]))
    }

    @Test func helpTeaches() throws {
        let r = try CLI.run(["run", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("hmmbench run --suite quick --out base.json"))
        #expect(r.stdout.contains("--backend"))
    }
}
