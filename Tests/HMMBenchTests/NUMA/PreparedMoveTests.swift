import Foundation
import Testing
@testable import HMMBench

/// The timed window of a NUMA move holds only the move_pages calls: the
/// arrays are built before the first clock read and the statuses are
/// tallied after the second (a recording clock and move_pages double).
struct PreparedMoveTests {
    let backend = SimulatedBackend(uapi: UAPIGeneration.v6_1.table)

    @Test func kernelMoveBuildsArraysBeforeTheClockAndTalliesAfter() throws {
        let fake = FakeMovePages()
        let region = try backend.map(MappingSpec(.anon, bytes: 10 * PageSize.base))
        fake.stuck = [region.address(page: 3)]
        weak var prepared: KernelPreparedMove?
        var talliesAtClockReads: [Int] = []
        let inner = fake.clock
        let clock = MoveClock {
            talliesAtClockReads.append(prepared?.tallies ?? -1)
            return inner.now()
        }
        let move = try #require(try fake.migrator().prepareMove(region, pages: 0..<10, to: 1, batch: 4, clock: clock)
            as? KernelPreparedMove)
        prepared = move
        // Set-up is done and nothing was timed or called yet.
        #expect(fake.events.isEmpty)
        #expect(move.pages.map { UInt(bitPattern: $0) } == (0..<10).map { region.address(page: $0) })
        #expect(move.nodes.allSatisfy { $0 == 1 })

        let ns = try move.run()
        // Exactly the three kernel calls lie between the two clock reads.
        #expect(fake.events == ["clock", "move_pages(4)", "move_pages(4)", "move_pages(2)", "clock"])
        #expect(ns == 100)
        // The arrays the kernel saw are the ones built before the window.
        #expect(fake.received.flatMap(\.pages) == (0..<10).map { region.address(page: $0) })
        #expect(fake.received.flatMap(\.nodes).allSatisfy { $0 == 1 })
        // No tally inside the window; the tally reads no clock.
        #expect(talliesAtClockReads == [0, 0])
        let outcome = move.tally()
        #expect(fake.clockReads == 2)
        #expect(move.tallies == 1)
        #expect(outcome == MoveOutcome(moved: 9, failed: 1, firstError: EBUSY, errors: [EBUSY: 1]))
    }

    @Test func aFailingCallStopsTheClockThenThrowsItsErrno() throws {
        let fake = FakeMovePages()
        fake.failCall = (1, EINVAL)
        let region = try backend.map(MappingSpec(.anon, bytes: 8 * PageSize.base))
        let move = try fake.migrator().prepareMove(region, pages: 0..<8, to: 1, batch: 4, clock: fake.clock)
        do {
            _ = try move.run()
            Issue.record("a failing move_pages must throw")
        } catch let e as HMMBenchError {
            #expect(e.kind == .system)
            #expect(e.errno == EINVAL)
        }
        #expect(fake.events == ["clock", "move_pages(4)", "move_pages(4) -> EINVAL", "clock"])
    }

    @Test func simulatedMoveCopiesOnlyBetweenTheClockReads() throws {
        let m = SimulatedMigrator(nodes: 2)
        let region = try backend.map(MappingSpec(.anon, bytes: 6 * PageSize.base))
        var seen: [[Int32]] = []
        var talliesAtReads: [Int] = []
        weak var prepared: SimulatedPreparedMove?
        let clock = MoveClock {
            seen.append((try? m.nodesOf(region, pages: 0..<6)) ?? [])
            talliesAtReads.append(prepared?.tallies ?? -1)
            return UInt64(seen.count * 1000)
        }
        let move = try #require(try m.prepareMove(region, pages: 0..<6, to: 1, batch: 2, clock: clock) as? SimulatedPreparedMove)
        prepared = move
        #expect(seen.isEmpty)
        #expect(move.pointers == (0..<6).map { region.pointer(page: $0) })
        let before = m.migratedPages
        #expect(try move.run() == 1000)
        // First read: nothing moved yet; second read: everything has.
        #expect(seen == [Array(repeating: 0, count: 6), Array(repeating: 1, count: 6)])
        #expect(talliesAtReads == [0, 0])
        #expect(move.tally() == MoveOutcome(moved: 6, failed: 0))
        #expect(seen.count == 2)
        #expect(m.migratedPages == before.map { $0 + 6 })
    }
}
