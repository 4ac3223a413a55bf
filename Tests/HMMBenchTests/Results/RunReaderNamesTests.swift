import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// Names reports use for runs.
struct RunReaderNamesTests {
    @Test func collidingFileNamesAreNamedByTheirFolder() throws {
        let root = TestFiles.temporaryDirectory("hmmb-names")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var paths: [String] = []
        for kernel in ["linux-a", "linux-b"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(kernel)", withIntermediateDirectories: true)
            let env = RunEnvironment(backend: .simulated, uapi: "6.1", virtualization: "tcg",
                                     kernel: KernelFacts(release: "6.1", version: "", cmdline: "", config: [:], configSource: nil),
                                     cpu: CPUFacts(model: "x", count: 1, governor: nil), thp: THPFacts(enabled: nil, defrag: nil),
                                     hugetlb: HugetlbFacts(total: 0, free: 0, pageSizeBytes: 0),
                                     numa: NUMATopology(nodes: [], simulated: true), devices: [], hmmbenchVersion: "0",
                                     commandLine: [], hostname: "h")
            var record = RunRecord(suite: nil, startedAt: "2026-11-21T00:00:00Z", environment: env)
            record.complete = true
            try AtomicWriter.writeJSON(record, to: "\(root)/\(kernel)/run.json")
            paths.append("\(root)/\(kernel)/run.json")
        }
        let runs = try RunReader.load(paths)
        #expect(runs.map(\.name) == ["linux-a/run.json", "linux-b/run.json"])
        #expect(try RunReader.load([paths[0]]).map(\.name) == ["run.json"])
    }
}
