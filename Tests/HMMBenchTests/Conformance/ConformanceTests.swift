import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The conformance set, its runner, report and comparison, on the model.
@Suite struct ConformanceTests {
    func runSim(_ g: UAPIGeneration = .v6_1, coherent: Bool = true,
                _ scenarios: [ConformanceScenario] = ConformanceSuite.all) -> ConformanceReport {
        ConformanceRunner.run(scenarios, on: SimulatedBackend(uapi: g.table, coherentDevices: coherent),
                              kernelRelease: "simulated")
    }

    /// FLAGS scenarios: skipped wherever the uapi has no FLAGS (before 6.19).
    let flags = ConformanceSuite.named("flags/").count

    func scenario(_ r: ConformanceReport, _ name: String) -> ConformanceScenarioResult? {
        r.scenarios.first { $0.name == name }
    }

    @Test func setCoversEveryKindAndOperation() {
        let names = Set(ConformanceSuite.all.map(\.name))
        #expect(names.count == ConformanceSuite.all.count)
        for kind in ["anon-untouched", "anon-read", "anon-written", "shared", "file", "thp", "hugetlb",
                     "read-only", "prot-none", "unmapped"] {
            for what in ["read", "write", "migrate"] { #expect(names.contains("\(kind)/\(what)"), "\(kind)/\(what)") }
        }
        for name in ["args/unaligned", "args/zero-pages", "private/other-device-read", "coherent/cross-device",
                     "exclusive/other-device", "close/releases", "release/private", "anon-written/exclusive"] {
            #expect(names.contains(name), "\(name)")
        }
        var ops = Set<MirrorOperation>()
        for s in ConformanceSuite.all {
            for a in s.actions { if case .op(let op, _, _, _, _) = a { ops.insert(op) } }
        }
        // Every operation a released generation has; the patched-tree-only
        // ones (read-unlockable, migrate-on-fault-to-dev) are never sent.
        #expect(ops == Set(MirrorOperation.allCases.filter { op in UAPIGeneration.allCases.contains { $0.table.supports(op) } }))
        #expect(!ops.contains(.readUnlockable) && !ops.contains(.migrateOnFaultToDevice))
        #expect(ConformanceSuite.named("coherent/").count == 3)
    }

    @Test func runsEveryScenarioOnTheFullModel() {
        let r = runSim()
        #expect(flags == 4)
        #expect(r.ranCount == ConformanceSuite.all.count - flags)
        #expect(scenario(r, "flags/fail-alloc-base")?.reason == "skipped: uapi 6.1-6.18 has no flags")
        #expect(runSim(.v6_19).ranCount == ConformanceSuite.all.count)
        #expect(r.devices == [0, 1, 2, 3])
        #expect(r.backend == .simulated)
        #expect(r.uapi == "6.1-6.18")
        let read = scenario(r, "anon-untouched/read")!
        #expect(read.steps.map(\.outcome) == [
            "done",
            "cpages=16 faults=0 OK snapshot=00*16",
            "cpages=16 faults=1 OK data=00*16",
            "cpages=16 faults=0 OK snapshot=11*16",
            "cpages=16 faults=0 OK data=00*16",
            "cpages=16 faults=0 OK snapshot=11*16",
        ])
        #expect(read.steps.map(\.action) == ["map anon 16p untouched rw", "dev0 snapshot", "dev0 read",
                                             "dev0 snapshot", "dev0 read", "dev1 snapshot"])
        let cross = scenario(r, "private/other-device-read")!
        #expect(cross.steps.map(\.outcome) == [
            "done",
            "cpages=16 faults=0 OK data=5a*16",
            "cpages=16 faults=0 OK snapshot=22*16",
            "cpages=16 faults=0 OK snapshot=00*16",
            "cpages=16 faults=1 OK data=5a*16",
            "cpages=16 faults=0 OK snapshot=02*16",
            "cpages=16 faults=0 OK snapshot=02*16",
            "cpages=16 faults=1 OK data=5a*16",
        ])
        let coherent = scenario(r, "coherent/cross-device")!
        #expect(coherent.steps[2].snapshot == "42*16")
        #expect(coherent.steps[3].snapshot == "52*16")
        #expect(coherent.steps[4].errno == "ENOENT")
        let none = scenario(r, "prot-none/migrate")!
        #expect(none.steps.map { $0.errno ?? "-" } == ["-", "EINVAL", "OK", "OK", "EFAULT", "EINVAL", "OK", "OK"])
        #expect(none.steps[2].snapshot == "ff*16")
        let unmapped = scenario(r, "unmapped/read")!
        #expect(unmapped.steps[2].snapshot == "ff*16")
        #expect(unmapped.steps[3].errno == "EFAULT")
        let args = scenario(r, "args/zero-pages")!
        // EINVAL for every request 6.1-6.18 has; FLAGS (6.19+) is not sent.
        #expect(args.steps.dropFirst().dropLast().allSatisfy { $0.op == "flags" ? $0.skipped != nil : $0.errno == "EINVAL" })
        let cpuTouch = scenario(r, "private/cpu-touch")!
        #expect(cpuTouch.steps[4].snapshot == "02*4 22*12")
        #expect(cpuTouch.steps[3].data == "b0 b1 b2 b3")
        let thp = scenario(r, "thp-read/read")!
        #expect(thp.steps[1].snapshot == "05*512")
        let exclusive = scenario(r, "anon-written/exclusive")!
        #expect(exclusive.steps.map(\.outcome) == [
            "done",
            "cpages=16 faults=0 OK data=5a*16",
            "cpages=16 faults=0 OK snapshot=00*16",
            "cpages=0 faults=0 EPERM",
            "data=5a*16",
            "cpages=0 faults=0 OK",
            "cpages=16 faults=0 OK snapshot=02*16",
        ])
        #expect(scenario(r, "thp/exclusive")!.steps[1].errno == "EBUSY")
        #expect(scenario(r, "shared/migrate")!.steps[1].errno == "ENOENT")
        #expect(scenario(r, "hugetlb/migrate")!.steps[1].errno == "EINVAL")
        #expect(scenario(r, "read-only/write")!.steps[1].errno == "EPERM")
        #expect(scenario(r, "close/releases")!.steps[3].snapshot == "02*16")
    }

    @Test func olderGenerationsSkipStepsAndCoherentScenarios() {
        let r = runSim(.v5_14)
        #expect(r.devices == [0, 1])
        let coherent = scenario(r, "coherent/cross-device")!
        #expect(coherent.status == .skipped)
        #expect(coherent.reason == "skipped: no device-coherent devices")
        let migrate = scenario(r, "anon-written/migrate")!
        #expect(migrate.status == .ran)
        #expect(migrate.steps[5].skipped == "uapi 5.14-5.19 has no migrate-to-sys")
        #expect(migrate.steps[5].outcome == "skipped: uapi 5.14-5.19 has no migrate-to-sys")
        #expect(migrate.steps[6].snapshot == "22*16")
        let old = runSim(.v5_8)
        let ex = scenario(old, "anon-written/exclusive")!
        #expect(ex.steps[1].skipped == "uapi 5.8-5.13 has no exclusive")
        #expect(scenario(old, "release/private")!.steps[2].skipped == "uapi 5.8-5.13 has no release")
        let noCoherent = runSim(.v6_1, coherent: false)
        #expect(scenario(noCoherent, "coherent/untouched")!.status == .skipped)
        #expect(noCoherent.ranCount == ConformanceSuite.all.count - 3 - flags)
    }

    @Test func reportRoundTripsWithSnakeCaseKeys() throws {
        let r = runSim(.v6_1, ConformanceSuite.named("args/"))
        let data = try r.encoded()
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"schema_version\"", "\"kernel_release\"", "\"uapi_requests\"", "\"scenarios\"", "\"status\""] {
            #expect(text.contains(key), "\(key)")
        }
        #expect(try ConformanceReport.decode(data) == r)
        #expect(try r.table() == UAPIGeneration.v6_1.table)
        var custom = r
        custom.uapi = "custom"
        custom.uapiRequests = "read=0,write=1,migrate-to-dev=2,snapshot=5"
        let t = try custom.table()
        #expect(t.number(for: .snapshot) == 5)
        #expect(!t.supports(.exclusive))
    }

    @Test func badReportsAreDataErrors() {
        for bad in ["not json", "{\"schema_version\": 2}", "{\"schema_version\": 1}"] {
            do {
                _ = try ConformanceReport.decode(Data(bad.utf8))
                Issue.record("accepted \(bad)")
            } catch let e as HMMBenchError {
                #expect(e.kind == .data)
                #expect(e.exitCode == 2)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func writeIsAtomicAndReadsBack() throws {
        let dir = URL(fileURLWithPath: TestFiles.temporaryDirectory("conf"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.json").path
        let r = runSim(.v6_1, ConformanceSuite.named("release/"))
        try r.write(to: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        #expect(try ConformanceReport.read(from: path) == r)
        #expect(throws: HMMBenchError.self) { try r.write(to: dir.appendingPathComponent("no/such/dir.json").path) }
    }

    @Test func comparisonFindsSameDifferentSkippedAndMissing() {
        let sim = runSim()
        var real = sim
        real.backend = .kernel
        real.kernelRelease = "6.1.0-hmm"
        // A 6.1 module's report has no FLAGS scenarios at all: the
        // simulator skipped them too, so they cannot differ.
        real.scenarios.removeAll { $0.name.hasPrefix("flags/") }
        let same = ConformanceComparison.compare(real: real, simulated: sim)
        #expect(same.sameCount == ConformanceSuite.all.count - flags)
        #expect(same.skippedCount == flags)
        #expect(same["flags/fail-alloc-thp"] == .skipped("not in the real report; simulated: uapi 6.1-6.18 has no flags"))
        #expect(!same.anyDifferent)

        let i = real.scenarios.firstIndex { $0.name == "close/releases" }!
        real.scenarios[i].steps[3].snapshot = "22*16"
        let j = real.scenarios.firstIndex { $0.name == "coherent/untouched" }!
        real.scenarios[j] = ConformanceScenarioResult(name: "coherent/untouched", status: .skipped,
                                                      reason: "skipped: no device-coherent devices")
        let k = real.scenarios.firstIndex { $0.name == "args/unaligned" }!
        real.scenarios[k].steps.removeLast()
        real.scenarios.removeAll { $0.name == "invalidate/cow" }
        let c = ConformanceComparison.compare(real: real, simulated: sim)
        #expect(c["close/releases"] == .different([
            "step 4 dev0 snapshot: real cpages=16 faults=0 OK snapshot=22*16; sim cpages=16 faults=0 OK snapshot=02*16",
        ]))
        #expect(c["coherent/untouched"] == .skipped("real: no device-coherent devices"))
        #expect(c["args/unaligned"] == .different(["real has 10 steps, simulated 11"]))
        #expect(c["invalidate/cow"] == .different(["missing from the real report"]))
        #expect(c["anon-read/read"] == .same)
        #expect(c.differentCount == 3)
        #expect(c.skippedCount == 1 + flags)
        #expect(c.sameCount == ConformanceSuite.all.count - 4 - flags)

        let text = c.render(width: 72)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.count <= 72 })
        #expect(lines.first == "Conformance: kernel 6.1-6.18 (6.1.0-hmm) vs simulated 6.1-6.18")
        #expect(lines.last == "\(ConformanceSuite.all.count - 4 - flags) same, 3 different, \(1 + flags) skipped (\(ConformanceSuite.all.count) scenarios)")
        #expect(lines.contains("  DIFFERENT  close/releases"))
        #expect(lines.contains("  same       anon-read/read"))
        #expect(lines.contains("  skipped    coherent/untouched: real: no device-coherent devices"))
        #expect(c.rows.first { $0.scenario == "close/releases" }?.verdict == "different")
    }

    @Test func wrapKeepsColumnsAndCutsLongWords() {
        let w = ConformanceComparison.wrap("  same       " + String(repeating: "x", count: 100), width: 30, indent: "    ")
        let lines = w.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 30 })
        #expect(lines[0] == "  same")
        #expect(ConformanceComparison.wrap("a  b", width: 72, indent: "") == "a  b\n")
        #expect(ConformanceStep.runLength([0x22, 0x22, 0x02, 0xFF]) == "22*2 02 ff")
        #expect(ConformanceStep.runLength([]) == "")
    }

    @Test func singleRunTextFitsSeventyTwoColumns() {
        let text = runSim(.v5_14).render(width: 72)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 72 })
        #expect(text.contains("  skipped  coherent/cross-device: no device-coherent devices"))
        let skipped = 3 + flags
        #expect(text.hasSuffix("\(ConformanceSuite.all.count - skipped) ran, \(skipped) skipped (\(ConformanceSuite.all.count) scenarios)\n"))
    }
}
