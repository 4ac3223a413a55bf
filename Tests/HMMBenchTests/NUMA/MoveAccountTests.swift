import Foundation
import Testing
@testable import HMMBench

/// What a move really moved: statuses when they all agree, the pages'
/// locations when they do not; placement is verified before the window.
struct MoveAccountTests {
    let backend = SimulatedBackend(uapi: UAPIGeneration.v6_1.table)

    @Test func everyStatusOnTargetNeedsNoQuery() throws {
        let a = try MoveAccount.settle(MoveOutcome(moved: 512, failed: 0), pageCount: 512, target: 1, hugePages: false) {
            Issue.record("locations queried although every status was the target")
            return []
        }
        #expect(a == MoveAccount(pagesDone: 512))
    }

    @Test func thpBusyStatusesButEveryPageMoved() throws {
        let o = MoveOutcome(moved: 8192 - 16, failed: 16, firstError: EBUSY, errors: [EBUSY: 16])
        let a = try MoveAccount.settle(o, pageCount: 8192, target: 1, hugePages: true) { Array(repeating: 1, count: 8192) }
        #expect(a.pagesDone == 8192)
        let note = try #require(a.note)
        #expect(note.contains("16 x EBUSY of 8192 pages"))
        #expect(note.contains("one EBUSY per huge page"))
        #expect(note.contains("docs/NUMA.md"))
    }

    @Test func pagesLeftBehindAreNotCounted() throws {
        let o = MoveOutcome(moved: 8092, failed: 100, firstError: EBUSY, errors: [EBUSY: 100])
        let locations = Array(repeating: Int32(1), count: 8092) + Array(repeating: Int32(0), count: 100)
        let a = try MoveAccount.settle(o, pageCount: 8192, target: 1, hugePages: false) { locations }
        #expect(a.pagesDone == 8092)
        #expect(a.note?.contains("100 pages stayed off node 1") == true)
    }

    @Test func nothingMovedIsAFailureWithTheErrno() {
        let o = MoveOutcome(moved: 0, failed: 4, firstError: EBUSY, errors: [EBUSY: 4])
        #expect(throws: HMMBenchError(.system, "move_pages moved none of 4 pages to node 1 (4 x EBUSY)", errno: EBUSY)) {
            try MoveAccount.settle(o, pageCount: 4, target: 1, hugePages: false) { Array(repeating: 0, count: 4) }
        }
    }

    @Test func placementOffTheNodeIsAFailure() throws {
        #expect(throws: Never.self) { try PlacementCheck.verify([0, 0, 0], on: 0) }
        do {
            try PlacementCheck.verify([0, 1, -EBUSY], on: 0)
            Issue.record("a placement that left pages elsewhere must throw")
        } catch let e as HMMBenchError {
            #expect(e.kind == .system)
            #expect(e.errno == EBUSY)
            #expect(e.message.contains("left 2 elsewhere (1 x EBUSY, 1 on another node)"))
        }
    }

    /// A flow whose placement does not take: the flow fails before timing.
    @Test func aFlowRefusesToStartFromAWrongPlacement() throws {
        let fake = FakeMovePages()
        let ctx = FlowContext(mirror: backend, migrator: fake.migrator())
        let p = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["size": "64K"])
        let flow = try NUMAMovePagesFlow().instantiate(p, context: ctx)
        defer { flow.tearDown() }
        let region = try #require((flow as? NUMAMovePagesFlow.Instance)?.region)
        fake.stuck = [region.address(page: 5)]
        fake.nodeOf[region.address(page: 5)] = 1
        do {
            try flow.prepare()
            Issue.record("prepare must fail when a page stays off the source node")
        } catch let e as HMMBenchError {
            #expect(e.kind == .system)
            #expect(e.message.contains("placing 16 pages on node 0"))
        }
        #expect(fake.events.allSatisfy { !$0.contains("clock") })
    }

    /// numa-move-pages of THP through the flow, against a move_pages that
    /// answers as 6.1 does: one EBUSY per huge page, every page moved.
    @Test func thpMoveIsMeasuredAndCountsEveryMovedPage() throws {
        let fake = FakeMovePages()
        fake.hugeBusy = true
        let ctx = FlowContext(mirror: backend, migrator: fake.migrator())
        let p = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["size": "4M", "mapping": "thp", "batch": "512"])
        let flow = try #require(try NUMAMovePagesFlow().instantiate(p, context: ctx) as? NUMAMovePagesFlow.Instance)
        defer { flow.tearDown() }
        for _ in 0..<2 {
            try flow.prepare()
            _ = try flow.measure()
            #expect(flow.lastPagesDone == 1024)
        }
        #expect(flow.notes.contains { $0.contains("2 x EBUSY of 1024 pages") && $0.contains("one EBUSY per huge page") })
        #expect(try flow.check().passed)
    }

    /// Pages that really stay behind: the count is recorded, the check
    /// agrees with it, the result is a result.
    @Test func partlyMovedRangeRecordsWhatMoved() throws {
        let fake = FakeMovePages()
        let ctx = FlowContext(mirror: backend, migrator: fake.migrator())
        let p = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["size": "64K", "batch": "4"])
        let flow = try #require(try NUMAMovePagesFlow().instantiate(p, context: ctx) as? NUMAMovePagesFlow.Instance)
        defer { flow.tearDown() }
        try flow.prepare()
        fake.stuck = [try flow.current().address(page: 2), try flow.current().address(page: 9)]
        _ = try flow.measure()
        #expect(flow.lastPagesDone == 14)
        #expect(flow.notes.contains { $0.contains("2 pages stayed off node 1") })
        let check = try flow.check()
        #expect(check.passed, "\(check.detail)")
        #expect(check.detail.contains("14 of 16 pages on node 1"))
    }

    /// The engine records what moved in each repetition and the rates
    /// count only those pages.
    @Test func theResultCarriesPagesDoneAndItsRates() throws {
        let fake = FakeMovePages()
        let p = try FlowCatalog.standard.parameters(flow: "numa-move-pages", values: ["size": "64K", "batch": "4"])
        // Pages 2 and 9 of the range the flow maps refuse to move; the first
        // move call (placement, one call for the whole range) shows the range.
        let call = fake.call
        let migrator = LibnumaMigrator(topology: FakeMovePages.topology) { count, pages, nodes, status, flags in
            if nodes != nil, fake.stuck.isEmpty {
                let base = UInt(bitPattern: pages[0])
                fake.stuck = [base + UInt(2 * PageSize.base), base + UInt(9 * PageSize.base)]
            }
            return call(count, pages, nodes, status, flags)
        }
        let ctx = FlowContext(mirror: backend, migrator: migrator)
        let r = try Runner.run(NUMAMovePagesFlow(), p, context: ctx, options: RunOptions(warmup: 1, repetitions: 3, counters: .off))
        #expect(r.pagesDone == [14, 14, 14])
        #expect(r.pagesPerOp == 16)
        let full = Throughput(samplesNs: r.samplesNs, bytesPerOp: r.bytesPerOp, pagesPerOp: r.pagesPerOp)
        #expect(r.throughput.pagesPerS.mean < full.pagesPerS.mean)
        #expect(r.notes.contains { $0.contains("2 pages stayed off node 1") })
    }
}
