import Testing
@testable import HMMBench

struct PairedMeasurementTests {
    @Test func blocksAlternateWhichToolGoesFirst() throws {
        var log: [String] = []
        var refCount: UInt64 = 0
        var hbCount = 0.0
        let (ref, hb, turns) = try PairedMeasurement.run(blocks: [2, 2, 1], reference: { n in
            log.append("ref\(n)")
            return (0..<n).map { _ in refCount += 1; return refCount }
        }, hmmbench: { n in
            log.append("hb\(n)")
            return (0..<n).map { _ in hbCount += 1; return hbCount * 10 }
        })
        #expect(log == ["ref2", "hb2", "hb2", "ref2", "ref1", "hb1"])
        #expect(ref == [1, 2, 3, 4, 5])
        #expect(hb == [10, 20, 30, 40, 50])
        #expect(turns.map(\.tool) == [.reference, .hmmbench, .hmmbench, .reference, .reference, .hmmbench])
        #expect(turns.map(\.repetitions) == [2, 2, 2, 2, 1, 1])
    }

    @Test func anErrorEndsTheMeasurement() {
        struct Boom: Error {}
        var calls = 0
        #expect(throws: Boom.self) {
            _ = try PairedMeasurement.run(blocks: [1, 1], reference: { _ in calls += 1; return [1] },
                                          hmmbench: { _ in throw Boom() })
        }
        #expect(calls == 1)
    }

    @Test func blockSizesCoverTheRepetitions() {
        #expect(OverheadConfig(repetitions: 20, block: 5).blockSizes == [5, 5, 5, 5])
        #expect(OverheadConfig(repetitions: 7, block: 5).blockSizes == [5, 2])
        #expect(OverheadConfig(repetitions: 3, block: 10).blockSizes == [3])
        #expect((try? OverheadConfig(block: 0).validate()) == nil)
    }

    @Test func measuringCPUFollowsTheMemoryNode() {
        let topo = NUMATopology(nodes: [NUMATopology.Node(id: 0, cpus: [2, 3], memoryBytes: 1, freeBytes: 1),
                                        NUMATopology.Node(id: 1, cpus: [0, 1], memoryBytes: 1, freeBytes: 1)], simulated: false)
        #expect(MeasuringCPU.choose(explicit: nil, node: 0, topology: topo, allowed: [0, 1, 2, 3])?.cpu == 2)
        #expect(MeasuringCPU.choose(explicit: nil, node: 0, topology: topo, allowed: [0, 1, 3])?.cpu == 3)
        #expect(MeasuringCPU.choose(explicit: nil, node: 1, topology: topo, allowed: [0, 1, 2, 3])?.reason
            == "default: lowest allowed CPU of node 1, which holds the memory")
        let fallback = MeasuringCPU.choose(explicit: nil, node: 0, topology: topo, allowed: [1, 0])
        #expect(fallback?.cpu == 0 && fallback?.reason.contains("node 0 lists none") == true)
        #expect(MeasuringCPU.choose(explicit: 5, topology: topo, allowed: [0]) == MeasuringCPU(cpu: 5, reason: "--cpu 5"))
        #expect(MeasuringCPU.choose(explicit: nil, topology: nil, allowed: []) == nil)
    }
}
