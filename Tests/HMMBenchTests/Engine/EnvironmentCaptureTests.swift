import Foundation
import Testing
@testable import HMMBench

/// Simulated runs never claim hardware: the record marks the simulator's
/// devices `simulated`, never `present`.
struct EnvironmentCaptureTests {
    @Test func simulatedDevicesAreRecordedAsSimulated() throws {
        let sim = try BackendSelector.select(BackendOptions(choice: .sim))
        let env = EnvironmentCapture.capture(sim, commandLine: ["hmmbench", "run"])
        #expect(env.backend == .simulated)
        #expect(env.devices.count == 4)
        #expect(env.devices.allSatisfy { !$0.present })
        #expect(env.devices.filter(\.simulated).map(\.index) == sim.mirror.devices().filter(\.present).map(\.index))
        #expect(!env.devices.filter(\.simulated).isEmpty)
        // The simulator itself still offers them to flows.
        #expect(!sim.mirror.presentDevices().isEmpty)
        let json = try JSONOutput.string(env)
        #expect(json.contains("\"simulated\" : true") && !json.contains("\"present\" : true"))
    }

    @Test func kernelDevicesAreNeverSimulated() {
        let kernel = KernelBackend(uapi: UAPIGeneration.v6_1.table, deviceDirectory: "/nonexistent")
        let devices = EnvironmentCapture.recordedDevices(kernel)
        #expect(devices.count == 4 && devices.allSatisfy { !$0.present && !$0.simulated })
    }

    @Test func filesWithoutTheFieldStillRead() throws {
        let old = #"{"index": 2, "path": "/dev/hmm_dmirror2", "memory": "coherent", "present": true}"#
        let d = try JSONDecoder().decode(DeviceDescriptor.self, from: Data(old.utf8))
        #expect(d.present && !d.simulated && d.memory == .coherent)
    }
}
