import Foundation
@testable import HMMBench

/// A stand-in for move_pages(2) that keeps a node per page address and,
/// like 6.1 and 6.12 with a THP, can answer EBUSY for the second base page
/// of each 2 MiB block while still moving the whole block. It records each
/// call with the number of clock reads seen so far.
final class FakeMovePages {
    var nodeOf: [UInt: Int32] = [:]
    /// Answer EBUSY for base page 1 of every 512-page block (THP).
    var hugeBusy = false
    /// Pages (by address) that refuse to move: status EBUSY, node unchanged.
    var stuck: Set<UInt> = []
    /// Make the call with this index (0-based, moves only) fail with -errno.
    var failCall: (index: Int, errno: Int32)?
    var events: [String] = []
    var clockReads = 0
    var calls = 0
    /// Every (pages, nodes) pair a move call received, to compare with the region.
    var received: [(pages: [UInt], nodes: [Int32])] = []

    static let topology = NUMATopology(nodes: [NUMATopology.Node(id: 0, cpus: [0], memoryBytes: 1 << 30, freeBytes: 1 << 30),
                                               NUMATopology.Node(id: 1, cpus: [1], memoryBytes: 1 << 30, freeBytes: 1 << 30)],
                                       simulated: false)

    /// A clock that records each read and returns 100, 200, ...
    var clock: MoveClock {
        MoveClock { [unowned self] in
            self.clockReads += 1
            self.events.append("clock")
            return UInt64(self.clockReads * 100)
        }
    }

    var call: MovePagesCall {
        { [unowned self] count, pages, nodes, status, _ in
            let addresses = (0..<count).map { UInt(bitPattern: pages[$0]) }
            guard let nodes else {
                for i in 0..<count { status[i] = self.nodeOf[addresses[i]] ?? 0 }
                return 0
            }
            if let f = self.failCall, f.index == self.calls {
                self.calls += 1
                self.events.append("move_pages(\(count)) -> \(Errno.name(f.errno))")
                return -Int(f.errno)
            }
            self.calls += 1
            self.events.append("move_pages(\(count))")
            self.received.append((addresses, (0..<count).map { nodes[$0] }))
            for i in 0..<count {
                let a = addresses[i]
                let block = (a / UInt(PageSize.pmd), (a % UInt(PageSize.pmd)) / UInt(PageSize.base))
                if self.stuck.contains(a) {
                    status[i] = -EBUSY
                } else if self.hugeBusy, block.1 == 1 {
                    status[i] = -EBUSY
                    self.nodeOf[a] = nodes[i]
                } else {
                    status[i] = nodes[i]
                    self.nodeOf[a] = nodes[i]
                }
            }
            return 0
        }
    }

    func migrator() -> LibnumaMigrator { LibnumaMigrator(topology: Self.topology, movePages: call) }
}
