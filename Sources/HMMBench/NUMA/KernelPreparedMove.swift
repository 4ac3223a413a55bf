import CShims
import Foundation

/// The kernel's prepared move: the three arrays move_pages(2) reads and
/// writes, allocated and filled once; `run` only issues the calls.
final class KernelPreparedMove: PreparedMove {
    let target: Int
    let batch: Int
    let call: MovePagesCall
    let clock: MoveClock
    /// Page addresses, target nodes and statuses, one entry a page.
    let pages: UnsafeMutableBufferPointer<UnsafeMutableRawPointer?>
    let nodes: UnsafeMutableBufferPointer<Int32>
    let status: UnsafeMutableBufferPointer<Int32>
    /// How many times the statuses were tallied (tests check it is never
    /// inside the window).
    private(set) var tallies = 0

    /// A status the kernel never writes: entries it did not reach stay so.
    static let unwritten = MoveOutcome.unwritten

    init(_ region: MappedRegion, pages range: Range<Int>, to node: Int, batch: Int, call: @escaping MovePagesCall,
         clock: MoveClock) throws {
        target = node
        self.batch = batch
        self.call = call
        self.clock = clock
        let n = range.count
        pages = try Self.allocate(UnsafeMutableRawPointer?.self, n)
        nodes = try Self.allocate(Int32.self, n)
        status = try Self.allocate(Int32.self, n)
        for (i, page) in range.enumerated() { pages[i] = region.pointer(page: page) }
        nodes.update(repeating: Int32(node))
        status.update(repeating: Self.unwritten)
    }

    /// An array of `count` elements from malloc: ENOMEM is a failure with
    /// its errno, not a crash.
    static func allocate<T>(_ type: T.Type, _ count: Int) throws -> UnsafeMutableBufferPointer<T> {
        guard let raw = malloc(max(1, count) * MemoryLayout<T>.stride) else {
            throw HMMBenchError.system("allocating the move_pages arrays for \(count) pages", errno: ENOMEM)
        }
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: T.self, capacity: max(1, count)), count: count)
    }

    deinit {
        free(pages.baseAddress)
        free(nodes.baseAddress)
        free(status.baseAddress)
    }

    var pageCount: Int { pages.count }

    func run() throws -> UInt64 {
        // Statuses of the previous run must not be read as this run's.
        status.update(repeating: Self.unwritten)
        let n = pages.count
        var failure: (offset: Int, errno: Int32)?
        guard n > 0, let p = pages.baseAddress, let nd = nodes.baseAddress, let st = status.baseAddress else { return 0 }
        let flags = HMMB_MPOL_MF_MOVE_FLAG
        let start = clock.now()
        var offset = 0
        while offset < n {
            let count = min(batch, n - offset)
            let r = call(count, p + offset, nd + offset, st + offset, flags)
            if r < 0 {
                failure = (offset, Int32(-r))
                break
            }
            offset += count
        }
        let end = clock.now()
        if let failure {
            throw HMMBenchError.system("move_pages of \(min(batch, n - failure.offset)) pages (from page \(failure.offset) of \(n)) "
                                       + "to node \(target)", errno: failure.errno)
        }
        return end &- start
    }

    func tally() -> MoveOutcome {
        tallies += 1
        return MoveOutcome.tally(status, target: target)
    }
}
