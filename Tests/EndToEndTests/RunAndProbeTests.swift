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

    @Test func kernelBackendWithoutDeviceIsAClearError() throws {
        guard !FileManager.default.fileExists(atPath: "/dev/hmm_dmirror0") else { return }
        let r = try CLI.run(["probe", "--backend", "kernel"])
        #expect(r.status == 3)
        #expect(r.stderr.hasPrefix("hmmbench: error: no device /dev/hmm_dmirror0: the test_hmm module is not loaded"))
        #expect(r.stderr.contains("modprobe test_hmm"))
        #expect(r.stdout.isEmpty)
    }

    @Test func autoWithoutDeviceSaysItSimulates() throws {
        guard !FileManager.default.fileExists(atPath: "/dev/hmm_dmirror0") else { return }
        let r = try CLI.run(["run", "--flow", "snapshot", "size=64K", "-n", "2", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("SIMULATED backend"))
        #expect(r.stderr.contains("modprobe test_hmm"))
    }

    static let badInputs: [([String], String)] = [
        (["run", "--backend", "sim", "--flow", "fault-read", "size=0"], "size must be larger than zero"),
        (["run", "--backend", "sim", "--flow", "fault-read", "size=4097"], "not a multiple of 4 KiB"),
        (["run", "--backend", "sim", "--flow", "fault-read", "size=1024G"], "larger than this box's memory"),
        (["run", "--backend", "sim", "--flow", "migrate-to-dev", "mapping=thp", "size=4K"], "not a multiple of 2 MiB"),
        (["run", "--backend", "sim", "--flow", "numa-move-pages", "to=7"], "NUMA node 7 does not exist"),
        (["run", "--backend", "sim", "--nodes", "0", "--flow", "numa-mbind"], "--nodes 0 is out of range"),
        (["run", "--backend", "sim", "--uapi", "4.2"], "unknown uapi generation '4.2'"),
        (["run", "--backend", "bogus"], "unknown backend 'bogus'"),
        (["run", "--backend", "sim", "--flow", "no-such-flow"], "unknown flow 'no-such-flow'"),
        (["run", "--backend", "sim", "--suite", "no-such-suite"], "unknown suite 'no-such-suite'"),
        (["run", "--backend", "sim", "--flow", "fault-read", "colour=blue"], "unknown parameter 'colour'"),
        (["run", "--backend", "sim", "--flow", "fault-read", "mapping=weird"], "mapping=weird is not one of"),
        (["run", "--backend", "sim", "--flow", "fault-read", "-n", "0"], "--repetitions 0 is out of range"),
        (["run", "--backend", "sim", "--flow", "fault-read", "--cpu", "4096"], "--cpu 4096 is not an online CPU"),
        (["run", "--backend", "sim", "--suite", "quick", "--flow", "snapshot"], "give --suite or --flow, not both"),
    ]

    @Test(arguments: badInputs.indices)
    func badInputIsOneLineAndExit2(index: Int) throws {
        let (args, message) = Self.badInputs[index]
        let r = try CLI.run(args)
        #expect(r.status == 2, "\(args): status \(r.status), stderr \(r.stderr)")
        let first = r.stderr.split(separator: "\n").first { $0.hasPrefix("hmmbench: error:") }
        #expect(first?.contains(message) == true, "\(args): \(r.stderr)")
    }

    @Test func singleFlowWritesAValidRecordAtomically() throws {
        let out = CLI.temporaryFile("single.json")
        let r = try CLI.run(["run", "--backend", "sim", "--flow", "migrate-to-dev", "size=256K", "memory=private,coherent",
                             "-n", "3", "--warmup", "1", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(obj["schema_version"] as? Int == 2)
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

    @Test func ctrlCKeepsCompletedResultsAndMarksTheRunIncomplete() throws {
        let out = CLI.temporaryFile("interrupted.json")
        // Enough repetitions of a slow flow that the signal lands mid-run.
        let r = try CLI.run(["run", "--backend", "sim", "--flow", "fault-read", "size=8M", "populate=yes,no",
                             "memory=private,coherent", "mapping=anon,shared,file", "-n", "100", "--warmup", "0", "--out", out],
                            interruptAfter: 1.5)
        #expect(r.status == 130, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("interrupted"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(obj["complete"] as? Bool == false)
        #expect((obj["incomplete_reason"] as? String)?.contains("interrupted") == true)
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
