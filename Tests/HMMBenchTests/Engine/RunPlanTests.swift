import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The whole plan is checked before the first measurement: bad input is a
/// usage error (exit 2) naming what is wrong and the valid range.
struct RunPlanTests {
    static func plan(flow: String, _ parameters: [String], memoryNode: Int? = nil, cpu: Int? = nil) throws -> RunPlan {
        try RunPlan.make(suite: nil, flow: flow, parameters: parameters, suiteDirectory: nil, warmup: 0, repetitions: 1,
                         cpu: cpu, memoryNode: memoryNode)
    }

    /// The message of the usage error `body` throws.
    func usageError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            try body()
            Issue.record("expected a usage error", sourceLocation: sourceLocation)
        } catch let e as HMMBenchError {
            #expect(e.kind == .usage && e.exitCode == 2, "\(e)", sourceLocation: sourceLocation)
            #expect(!e.message.contains("\n"), sourceLocation: sourceLocation)
            return e.message
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
        return ""
    }

    static let twoNodes = NUMATopology.simulated(nodes: 2)
    static let realTwoNodes = NUMATopology(nodes: [.init(id: 0, cpus: [0], memoryBytes: 1 << 30, freeBytes: 1 << 30),
                                                  .init(id: 1, cpus: [1], memoryBytes: 1 << 30, freeBytes: 1 << 30)],
                                           simulated: false)

    @Test func aParameterGivenTwiceIsRefused() {
        let m = usageError { _ = try Self.plan(flow: "snapshot", ["size=64K", "size=2M"]) }
        #expect(m.contains("parameter 'size' is given twice (size=64K and size=2M)"), "\(m)")
        #expect(usageError { _ = try Self.plan(flow: "snapshot", ["size=2M,2M"]) }.contains("lists 2M twice"))
        #expect(usageError { _ = try Self.plan(flow: "snapshot", ["size=2M,"]) }.contains("empty value"))
        #expect(usageError { _ = try Suite.parse(name: "t", text: "fault-read size=2M size=64K\n") }
                    .hasPrefix("suite t line 1: parameter 'size' is given twice"))
    }

    @Test func aSuiteDirectoryThatDoesNotExistIsRefused() {
        let m = usageError {
            _ = try RunPlan.make(suite: "quick", flow: nil, parameters: [], suiteDirectory: "/no/such/dir", warmup: nil,
                                 repetitions: nil, cpu: nil)
        }
        #expect(m == "--suite-dir /no/such/dir does not exist")
        #expect(usageError { _ = try FlowListing.make(catalog: .standard, only: nil, suiteDirectory: "/no/such/dir") }
                    .contains("does not exist"))
        #expect(usageError { try Suite.requireDirectory("/etc/hostname") }.contains("is not a directory"))
    }

    @Test func countsOutsideTheirRangeNameTheRange() throws {
        #expect(usageError { _ = try RunOptions.count("2.5", option: "--repetitions", in: RunOptions.repetitionsRange) }
                    == "--repetitions 2.5 is not a whole number (valid: 1...100000)")
        #expect(usageError { _ = try RunOptions.count("-1", option: "--repetitions", in: RunOptions.repetitionsRange) }
                    == "--repetitions -1 is out of range 1...100000")
        #expect(usageError { _ = try RunOptions.count("-1", option: "--warmup", in: RunOptions.warmupRange) }
                    == "--warmup -1 is out of range 0...10000")
        #expect(try RunOptions.count("0", option: "--warmup", in: RunOptions.warmupRange) == 0)
    }

    /// A `--flow` list with combinations that can never be valid is refused
    /// as a whole, naming each one: no run that silently does less.
    @Test func aFlowListWithImpossibleCombinationsIsRefused() {
        let m = usageError { _ = try Self.plan(flow: "migrate-to-dev", ["size=64K,2M", "mapping=anon,thp"]) }
        #expect(m.hasPrefix("migrate-to-dev: 1 of 4 combinations are invalid: mapping=thp memory=private size=64K"), "\(m)")
        #expect(m.contains("not a multiple of 2 MiB"))
        let one = usageError { _ = try Self.plan(flow: "migrate-to-dev", ["size=64K", "mapping=thp"]) }
        #expect(one.hasPrefix("migrate-to-dev: size=64K is not a multiple of 2 MiB"), "\(one)")
        #expect(usageError { _ = try Self.plan(flow: "numa-mbind", ["from=1", "to=1"]) }.contains("the same node"))
        #expect(usageError { _ = try Self.plan(flow: "fault-then-migrate", ["present=101"]) }.contains("out of range 0...100"))
        #expect(throws: Never.self) { _ = try Self.plan(flow: "migrate-to-dev", ["size=2M,4M", "mapping=anon,thp"]) }
    }

    /// The full suite names 64K with thp and hugetlb: those 23 combinations
    /// are left out of the plan, with the reason, not run as skips.
    @Test func aSuiteExpandsOnlyToValidCombinations() throws {
        let s = try Suite.parse(name: "t", text: "fault-read size=64K,2M mapping=anon,thp,hugetlb\nnuma-mbind from=0,1 to=0,1\n")
        #expect(s.entries.count == 4 + 2)
        #expect(s.entries.allSatisfy { $0.impossibility() == nil })
        #expect(s.leftOut.count == 2 + 2)
        #expect(s.leftOut.contains { $0.params["mapping"] == "hugetlb" && $0.reason.contains("not a multiple of 2 MiB") })
        #expect(s.leftOut.contains { $0.flow == "numa-mbind" && $0.reason.contains("same node") })
        // A line with nothing valid left is a broken suite.
        #expect(usageError { _ = try Suite.parse(name: "t", text: "fault-read size=64K mapping=thp\n") }
                    .hasPrefix("suite t line 1: fault-read: no valid combination"))

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let full = try Suite.load(root.appendingPathComponent("bench/suites/full.suite").path)
        #expect(full.leftOut.count == 23)
        #expect(full.leftOut.allSatisfy { $0.params["size"] == "64K" && ["thp", "hugetlb"].contains($0.params["mapping"]) })
        #expect(full.entries.allSatisfy { $0.impossibility() == nil })
        let plan = try RunPlan.make(suite: root.appendingPathComponent("bench/suites/full.suite").path, flow: nil, parameters: [],
                                    suiteDirectory: nil, warmup: nil, repetitions: nil, cpu: nil)
        #expect(plan.entries.count == full.entries.count && plan.rejected.isEmpty && plan.leftOut.count == 23)
    }

    @Test func listSaysWhatEachSuiteLeavesOut() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench/suites").path
        let listing = try FlowListing.make(catalog: .standard, only: nil, suiteDirectory: root)
        let full = try #require(listing.suites.first { $0.name == "full" })
        #expect(full.leftOut.count == 23)
        #expect(listing.suites.first { $0.name == "quick" }?.leftOut.isEmpty == true)
        // Words, whatever the wrapping.
        let text = listing.text().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("leaves out 23 combinations that cannot be valid"))
        #expect(text.contains("8: size=64K is not a multiple of 2 MiB, the huge page of mapping=hugetlb: fault-read x4, fault-write x4"))
    }

    @Test func nodesAreCheckedAgainstTheTopologyBeforeTheRun() throws {
        var plan = try RunPlan.make(suite: nil, flow: "numa-move-pages", parameters: ["to=1,7"], suiteDirectory: nil,
                                    warmup: 0, repetitions: 1, cpu: nil)
        let m = usageError { try plan.validate(topology: Self.twoNodes, allowedCPUs: [0, 1]) }
        #expect(m == "numa-move-pages to=7: NUMA node 7 does not exist (nodes: 0, 1, simulated)", "\(m)")
        // In a suite too, wherever the entry is.
        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = ReportFixtures.write(text: "snapshot size=64K\nnuma-mbind from=0 to=3\n", "nodes.suite", in: dir)
        var s = try RunPlan.make(suite: suite, flow: nil, parameters: [], suiteDirectory: nil, warmup: nil, repetitions: nil, cpu: nil)
        #expect(usageError { try s.validate(topology: Self.twoNodes, allowedCPUs: [0, 1]) }
                    == "suite nodes: numa-mbind to=3: NUMA node 3 does not exist (nodes: 0, 1, simulated)")
    }

    @Test func membindNeedsRealNodes() throws {
        var plan = try Self.plan(flow: "snapshot", ["size=64K"], memoryNode: 0)
        #expect(usageError { try plan.validate(topology: Self.twoNodes, allowedCPUs: [0, 1]) }
                    .contains("--membind 0 needs real NUMA nodes"))
        try plan.validate(topology: Self.realTwoNodes, allowedCPUs: [0, 1])
        var bad = try Self.plan(flow: "snapshot", ["size=64K"], memoryNode: 5)
        #expect(usageError { try bad.validate(topology: Self.realTwoNodes, allowedCPUs: [0, 1]) }
                    .contains("--membind: NUMA node 5 does not exist"))
    }

    /// Reader threads need CPUs other than the measuring one: a --flow
    /// asking for more is refused with the range; a suite entry asking for
    /// more than this box has is a skip (what the box lacks).
    @Test func readerThreadsAreLimitedByTheCPUs() throws {
        var plan = try Self.plan(flow: "numa-move-pages", ["threads=256"])
        let m = usageError { try plan.validate(topology: Self.twoNodes, allowedCPUs: [0, 1]) }
        #expect(m.contains("threads=256 is out of range 0...1"), "\(m)")
        var ok = try Self.plan(flow: "numa-move-pages", ["threads=0,1"])
        try ok.validate(topology: Self.twoNodes, allowedCPUs: [0, 1])
        #expect(ok.entries.count == 2 && ok.rejected.isEmpty)

        let dir = ReportFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = ReportFixtures.write(text: "numa-move-pages size=2M threads=0,1\n", "t.suite", in: dir)
        var s = try RunPlan.make(suite: suite, flow: nil, parameters: [], suiteDirectory: nil, warmup: nil, repetitions: nil, cpu: nil)
        try s.validate(topology: Self.twoNodes, allowedCPUs: [0])
        #expect(s.entries.map { $0.values["threads"] } == ["0"])
        #expect(s.rejected.map { $0.params["threads"] } == ["1"])
        #expect(s.rejected.first?.reason.contains("this process may use 1") == true)
    }

    @Test func aCPUThisProcessMayNotUseIsRefused() throws {
        var plan = try Self.plan(flow: "snapshot", ["size=64K"], cpu: 3)
        #expect(usageError { try plan.validate(topology: Self.twoNodes, allowedCPUs: [0, 1]) }.contains("--cpu 3 is not an online CPU"))
    }
}
