import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// Scenarios that can oops a kernel never run on the real driver unless asked.
struct ConformanceHazardTests {
    @Test func hazardousScenarioIsSkippedOnTheKernelBackend() throws {
        let hazards = ConformanceSuite.all.filter { $0.kernelHazard != nil }
        #expect(hazards.map(\.name) == ["private/read-after-cpu-touch"])
        // Device nodes that exist but are never opened: the skip comes first.
        let dir = TestFiles.temporaryDirectory("hmmb-hazard")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for i in 0..<4 { #expect(FileManager.default.createFile(atPath: "\(dir)/hmm_dmirror\(i)", contents: nil)) }
        let kernel = KernelBackend(uapi: UAPIGeneration.v6_1.table, deviceDirectory: dir)
        let report = ConformanceRunner.run(hazards, on: kernel, kernelRelease: "6.1.0")
        #expect(report.scenarios.first?.status == .skipped)
        #expect(report.scenarios.first?.reason?.contains("dmirror_do_read") == true)
        #expect(report.scenarios.first?.reason?.contains("--include-hazards") == true)
        // The simulator runs it.
        let sim = ConformanceRunner.run(hazards, on: SimulatedBackend(uapi: UAPIGeneration.v6_1.table), kernelRelease: "sim")
        #expect(sim.scenarios.first?.status == .ran)
    }
}
