import Foundation
import Testing
@testable import HMMBench

/// Choosing the simulator profile: from the release, from --uapi, from
/// --sim-profile; and where the choice is recorded.
@Suite struct SimulatorProfileTests {
    @Test func profilesByRelease() {
        let cases: [(String, String)] = [
            ("5.10.0", "6.1"), ("6.1.0-27-amd64", "6.1"), ("6.12.117", "6.1"), ("6.14.9", "6.1"),
            ("6.15.0", "6.15"), ("6.18.44-rc1+", "6.15"), ("6.19.0", "6.19"), ("7.0.1", "6.19"),
        ]
        for (release, name) in cases {
            #expect(SimulatorProfile.forRelease(release)?.name == name, "\(release)")
        }
        #expect(SimulatorProfile.forRelease("not-a-release") == nil)
        #expect(SimulatorProfile.forGeneration(.v6_1) == .v6_1)
        #expect(SimulatorProfile.forGeneration(.v6_19) == .v6_19)
        #expect(SimulatorProfile.forGeneration(.v5_14) == .v6_1)
        #expect(SimulatorProfile.all.map(\.span) == ["6.1-6.14", "6.15-6.18", "6.19+"])
    }

    @Test func parseAcceptsNameOrSpanAndRefusesTheRest() throws {
        #expect(try SimulatorProfile.parse("6.15") == .v6_15)
        #expect(try SimulatorProfile.parse("6.19+") == .v6_19)
        do {
            _ = try SimulatorProfile.parse("6.12")
            Issue.record("accepted 6.12")
        } catch let e as HMMBenchError {
            #expect(e.message == "unknown simulator profile '6.12'")
            #expect(e.hint?.contains("6.1 (6.1-6.14), 6.15 (6.15-6.18), 6.19 (6.19+)") == true)
        }
    }

    @Test func selectionFollowsReleaseUapiAndOverride() throws {
        func chosen(_ o: BackendOptions) throws -> (SimulatedBackend, String) {
            let sel = try BackendSelector.select(o)
            return (sel.mirror as! SimulatedBackend, sel.simProfileReason ?? "")
        }
        let (a, why) = try chosen(BackendOptions(choice: .sim, release: "6.16.2"))
        #expect(a.profile == .v6_15)
        #expect(a.uapi.name == "6.1-6.18")
        #expect(why.contains("uname -r 6.16.2 is in 6.15-6.18"))
        #expect(why.contains("--sim-profile 6.1|6.15|6.19"))
        let (b, whyB) = try chosen(BackendOptions(choice: .sim, uapi: .v6_19, release: "6.12.0"))
        #expect(b.profile == .v6_19)
        #expect(whyB.hasPrefix("--uapi 6.19+ is not uname -r 6.12.0's generation"))
        // --uapi of the release's own generation keeps the release's profile.
        let (c, _) = try chosen(BackendOptions(choice: .sim, uapi: .v6_1, release: "6.16.0"))
        #expect(c.profile == .v6_15)
        let (d, whyD) = try chosen(BackendOptions(choice: .sim, release: "7.0.0", simProfile: .v6_1))
        #expect(d.profile == .v6_1)
        #expect(whyD == "--sim-profile 6.1 (given)")
        #expect(d.uapi.name == "6.19+")
        let sel = try BackendSelector.select(BackendOptions(choice: .sim, release: "6.19.1"))
        #expect(sel.notices.first?.contains("SIMULATED backend (6.19+ behaviour)") == true)
    }

    @Test func simProfileIsRefusedOnTheKernelBackend() {
        #expect(throws: HMMBenchError.self) {
            _ = try BackendSelector.select(BackendOptions(choice: .kernel, deviceDirectory: "/nonexistent",
                                                          simProfile: .v6_19))
        }
        do {
            _ = try BackendSelector.select(BackendOptions(choice: .kernel, simProfile: .v6_19))
        } catch let e as HMMBenchError {
            #expect(e.message == "--sim-profile 6.19 only applies to the simulator")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func probeAndRunRecordSayWhichProfileRan() throws {
        let (report, sel) = try ProbeReport.probe(BackendOptions(choice: .sim, deviceDirectory: "/nonexistent",
                                                                  release: "6.15.3"))
        #expect(report.simProfile == "6.15-6.18")
        #expect(report.text().contains("sim profile"))
        #expect(report.text().contains("6.15-6.18 (uname -r 6.15.3 is in 6.15-6.18"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"sim_profile\":\"6.15-6.18\""))
        let env = EnvironmentCapture.capture(sel, commandLine: ["hmmbench"])
        #expect(env.simProfile == "6.15-6.18")
        let data = try JSONEncoder().encode(env)
        #expect(String(decoding: data, as: UTF8.self).contains("\"sim_profile\":\"6.15-6.18\""))
        #expect(try JSONDecoder().decode(RunEnvironment.self, from: data) == env)
        // Older records have no sim_profile.
        var old = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        old["sim_profile"] = nil
        let oldEnv = try JSONDecoder().decode(RunEnvironment.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(oldEnv.simProfile == nil)
    }
}
