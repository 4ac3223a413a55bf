import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The record is rewritten as flows finish, but paced: the writes cost a
/// bounded share of the run instead of one whole-file write per flow.
struct ResultWritePacingTests {
    static func entries(_ n: Int) throws -> [FlowParameters] {
        try (1...n).map { try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "\($0 * 4)K"]) }
    }

    static func run(share: Double, flows: Int) throws -> (SuiteRunner, RunRecord, String) {
        let dir = ReportFixtures.tempDir()
        let out = dir + "/run.json"
        let runner = SuiteRunner(selection: try BackendSelector.select(BackendOptions(choice: .sim)),
                                 options: RunOptions(warmup: 0, repetitions: 2), outputPath: out)
        runner.writeShare = share
        let record = try runner.run(suite: "t", entries: try entries(flows))
        return (runner, record, out)
    }

    @Test func everyFlowIsWrittenWhenWritesMayTakeTheWholeRun() throws {
        let (runner, record, out) = try Self.run(share: 1, flows: 6)
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        #expect(record.results.count == 6)
        // One write after each flow, and the final one.
        #expect(runner.writes == 7)
    }

    @Test func cheapFlowsShareFewWritesAndTheFileHasThemAll() throws {
        // The next write waits ~10000 times the last one's cost: far longer
        // than 12 snapshot flows of 2 repetitions take.
        let (runner, record, out) = try Self.run(share: 0.0001, flows: 12)
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        // The first flow's write, then only the final one.
        #expect(runner.writes == 2)
        let loaded = try RunReader.load(out).record
        #expect(loaded.results.count == 12)
        #expect(loaded.complete)
        #expect(record.complete)
    }
}
