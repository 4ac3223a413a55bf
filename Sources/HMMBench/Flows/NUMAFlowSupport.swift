import CShims
import Foundation

/// Threads that keep reading a region from other CPUs, so that moving its
/// pages needs TLB shootdowns (the cost batched-flush series remove).
final class TouchingThreads {
    private let stop = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var running = 0

    /// The CPUs reader threads may use: those the process had at start,
    /// less the measuring thread's. Empty when there is no other CPU.
    static func readerCPUs(avoiding measuring: Int?) -> [Int] {
        let me = measuring ?? Int(hmmb_current_cpu())
        return CPUSet.atStart.filter { $0 != me }
    }

    /// Starts `count` threads, each pinned (round-robin) to one of `cpus`
    /// and reading one byte per page of `region` until stopped.
    init(count: Int, region: MappedRegion, cpus others: [Int]) {
        stop.pointee = 0
        guard count > 0 else { return }
        // Raw pointers are not Sendable; the box says why sharing them is
        // safe here: the region outlives the threads (stopAll joins them
        // before anything unmaps it) and the flag is only touched atomically.
        let shared = SharedPointers(base: region.base, stop: stop)
        let pages = region.pageCount
        for i in 0..<count {
            let cpu = others[i % others.count]
            let sem = started
            let done = finished
            let t = Thread {
                _ = hmmb_pin_to_cpu(Int32(cpu))
                sem.signal()
                while hmmb_atomic_load(shared.stop) == 0 {
                    _ = hmmb_touch_read(shared.base, pages, PageSize.base)
                }
                done.signal()
            }
            t.start()
        }
        for _ in 0..<count { started.wait() }
        running = count
    }

    /// Stops the threads and waits until they no longer touch the region.
    func stopAll() {
        hmmb_atomic_store(stop, 1)
        // Threads check the flag once per pass over the region; wait for
        // every one to leave its loop before the region may be unmapped.
        for _ in 0..<running { finished.wait() }
        running = 0
    }

    deinit {
        stopAll()
        stop.deallocate()
    }
}

/// The two pointers reader threads share with the flow.
private struct SharedPointers: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let stop: UnsafeMutablePointer<Int32>
}

/// Shared parameters and state of the NUMA flows.
class NUMAFlowInstance {
    let context: FlowContext
    let migrator: NodeMigrator
    let spec: MappingSpec
    let from: Int
    let to: Int
    var region: MappedRegion?

    init(_ context: FlowContext, params: FlowParameters, mappings: [MappingKind] = [.anon, .thp]) throws {
        self.context = context
        migrator = context.migrator
        let kind = try params.choice("mapping", MappingKind.self, allowed: mappings)
        let bytes = try params.size("size", unit: kind.granule)
        from = try params.int("from", in: 0...1023)
        to = try params.int("to", in: 0...1023)
        try migrator.topology.require(node: from)
        try migrator.topology.require(node: to)
        guard from != to else { throw HMMBenchError.usage("\(params.flow): from and to are both node \(from)") }
        let prot = try params.values["protection"].map { _ in try params.choice("protection", Protection.self, allowed: [.readWrite, .readOnly]) } ?? .readWrite
        spec = MappingSpec(kind, bytes: bytes, protection: prot, population: .write)
        region = try context.mirror.map(spec)
        if migrator.kind == .kernel && KernelBackend.hasOpenedDevice { record(note: Self.notifierNote) }
    }

    /// Said by a kernel NUMA result measured after this process opened a
    /// dmirror device (a suite runs NUMA flows first; `overhead`'s
    /// rechecks and a run of one's own order can come after).
    static let notifierNote = "measured after this process opened a dmirror device: its mm keeps mmu-notifier "
        + "subscriptions until exit (mm/mmu_notifier.c), so every page moved also passes the notifier hooks"

    /// What the result records besides the numbers: what was found while
    /// measuring. Flows add their own before it.
    var notes: [String] { measuredNotes }

    var bytesPerOp: Int { spec.bytes }
    var pagesPerOp: Int { spec.pages }
    var backend: BackendKind { migrator.kind }
    var deviceMemory: DeviceMemoryKind? { nil }
    /// Pages the last measured body really moved, read by the engine after
    /// each repetition (nil: the whole range, as pages_per_op says).
    var lastPagesDone: Int?
    /// Notes found while measuring (why pages did not move), each once.
    private(set) var measuredNotes: [String] = []

    func record(note: String) {
        if !measuredNotes.contains(note) { measuredNotes.append(note) }
    }

    /// Untimed: puts the whole range on `from` and checks every page is
    /// there, so the window starts from the state the flow claims.
    func placeOnSource() throws {
        try migrator.placeVerified(try current(), on: from)
    }

    func current() throws -> MappedRegion {
        guard let r = region else { throw HMMBenchError(.system, "flow measured before prepare") }
        return r
    }

    /// Checks every page is on `node`, or, when the last repetition
    /// recorded that only `recorded` pages moved, that exactly that many are.
    func checkOn(_ node: Int, recorded: Int? = nil) throws -> FlowCheck {
        let r = try current()
        let nodes = try migrator.nodesOf(r, pages: 0..<r.pageCount)
        let wrong = nodes.filter { $0 != Int32(node) }
        if wrong.isEmpty { return FlowCheck(passed: true, detail: "all \(nodes.count) pages on node \(node)") }
        if let recorded, recorded < nodes.count, nodes.count - wrong.count == recorded {
            return FlowCheck(passed: true, detail: "\(recorded) of \(nodes.count) pages on node \(node), as recorded in pages_done")
        }
        var counts: [Int32: Int] = [:]
        for n in nodes { counts[n, default: 0] += 1 }
        let where_ = counts.sorted { $0.key < $1.key }.map { $0.key < 0 ? "\($0.value) x \(Errno.name(-$0.key))" : "\($0.value) on node \($0.key)" }
        return FlowCheck(passed: false, detail: "expected node \(node): " + where_.joined(separator: ", "))
    }

    static let nodeParameters = [FlowParameter("from", "0", "source NUMA node"), FlowParameter("to", "1", "target NUMA node")]

    /// What a NUMA flow holds: the range, plus the move_pages arrays (a
    /// pointer, a node and a status per page) where `arrays`.
    static func memoryNeed(_ params: FlowParameters, arrays: Bool) -> MemoryNeed {
        let bytes = MemoryNeed.size(params)
        let perPage = MemoryLayout<UnsafeMutableRawPointer?>.stride + 2 * MemoryLayout<Int32>.stride
        return MemoryNeed(systemBytes: bytes + (arrays ? bytes / PageSize.base * perPage : 0),
                          what: arrays ? "the range and the move_pages arrays" : "the range")
    }
}
