import Foundation
import Testing
@testable import HMMBench

/// The simulated NUMA model: per-region placement that forgets unmapped regions.
struct SimulatedMigratorTests {
    let backend = SimulatedBackend(uapi: UAPIGeneration.v6_1.table)

    @Test func movesPlacesAndReportsNodes() throws {
        let m = SimulatedMigrator(nodes: 2)
        let r = try backend.map(MappingSpec(.anon, bytes: 8 * PageSize.base))
        #expect(try m.nodesOf(r, pages: 0..<8) == Array(repeating: 0, count: 8))
        #expect(try m.movePages(r, pages: 2..<6, to: 1, batch: 2) == MoveOutcome(moved: 4, failed: 0))
        #expect(try m.nodesOf(r, pages: 0..<8) == [0, 0, 1, 1, 1, 1, 0, 0])
        #expect(try m.migrateProcess(from: 0, to: 1) == 0)
        #expect(try m.nodesOf(r, pages: 0..<8) == Array(repeating: 1, count: 8))
        try m.place(r, on: 0)
        try m.bind(r, to: 1, move: true)
        #expect(try m.nodesOf(r, pages: 0..<8) == Array(repeating: 1, count: 8))
        #expect(throws: HMMBenchError.self) { try m.place(r, on: 2) }
    }

    @Test func unmappedRegionsDropOutAndNoneIsTouched() throws {
        let m = SimulatedMigrator(nodes: 2)
        var r: MappedRegion? = try backend.map(MappingSpec(.anon, bytes: 16 * PageSize.base))
        try m.place(r!, on: 0)
        r = nil
        // The old pages are gone: migrating the process must not read them.
        #expect(try m.migrateProcess(from: 0, to: 1) == 0)
        let fresh = try backend.map(MappingSpec(.anon, bytes: 16 * PageSize.base))
        #expect(try m.nodesOf(fresh, pages: 0..<16) == Array(repeating: 0, count: 16))
    }

    @Test func protNoneCannotMove() throws {
        let m = SimulatedMigrator(nodes: 2)
        let r = try backend.map(MappingSpec(.anon, bytes: 4 * PageSize.base, protection: .none, population: .untouched))
        #expect(try m.movePages(r, pages: 0..<4, to: 1, batch: 4) == MoveOutcome(moved: 0, failed: 4, firstError: EFAULT, errors: [EFAULT: 4]))
    }
}
