/// `numa-move-pages`: move_pages(2) of a range to another node, in batches,
/// optionally while other CPUs read the range (TLB shootdowns needed).
public struct NUMAMovePagesFlow: FlowDefinition {
    public var opensDevice: Bool { false }
    public init() {}
    public let name = "numa-move-pages"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.numaMove }
    public let summary = "move_pages(2) of a range between NUMA nodes, in batches, with optional readers on other CPUs"
    public let details = "Untimed: the range is placed on `from` (and checked), the page, node and status arrays are built. "
        + "Timed: only the move_pages calls to `to`, `batch` pages each. Untimed after: the statuses are tallied and, when some "
        + "are not `to`, the pages' locations are queried; pages_done counts the pages that moved. "
        + "threads=N keeps N threads reading the range on other CPUs so every move needs TLB shootdowns."
    public var parameters: [FlowParameter] {
        [FlowParameter("size", "4M", "bytes moved per operation"), FlowParameter("batch", "512", "pages per move_pages call"),
         MirrorFlowSupport.mappingParameter([.anon, .thp]),
         FlowParameter("protection", "rw", choices: ["rw", "ro"], "mapping writable or read-only"),
         FlowParameter("threads", "0", "threads reading the range on other CPUs")] + NUMAFlowInstance.nodeParameters
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { NUMAFlowInstance.memoryNeed(params, arrays: true) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        let i = try Instance(context, params: params)
        i.batch = try params.int("batch", in: 1...1_048_576)
        let threads = try params.int("threads", in: 0...256)
        if threads > 0 {
            // Readers on the measuring CPU would need no remote shootdown:
            // without another CPU the flow measures nothing it claims to.
            let cpus = TouchingThreads.readerCPUs(avoiding: context.pinnedCPU)
            guard !cpus.isEmpty else { throw FlowSkip("threads=\(threads) needs a CPU other than the measuring one") }
            i.readers = TouchingThreads(count: threads, region: try i.current(), cpus: cpus)
        }
        i.threads = threads
        i.unpinned = context.pinnedCPU == nil
        return i
    }

    final class Instance: NUMAFlowInstance, FlowInstance {
        var batch = 512
        var threads = 0
        var readers: TouchingThreads?
        var unpinned = false
        /// Built once, before the first window; every repetition reuses it.
        var move: PreparedMove?
        override var notes: [String] {
            (threads > 0 ? ["\(threads) reader thread(s) on other CPUs during every move"] : [])
                + (threads > 0 && unpinned ? ["measuring thread not pinned (--cpu): it may have shared a CPU with a reader"] : [])
                + (migrator.kind == .simulated ? ["simulated NUMA topology: a page copy per move, no kernel work"] : [])
                + measuredNotes
        }
        func prepare() throws {
            try placeOnSource()
            if move == nil {
                let r = try current()
                move = try migrator.prepareMove(r, pages: 0..<r.pageCount, to: to, batch: batch, clock: .monotonic)
            }
        }
        func measure() throws -> UInt64 {
            guard let move else { throw HMMBenchError(.system, "flow measured before prepare") }
            let ns = try move.run()
            // The clock has stopped: tally and account for what moved.
            let r = try current()
            let account = try MoveAccount.settle(move.tally(), pageCount: move.pageCount, target: to,
                                                 hugePages: spec.kind == .thp) {
                try migrator.nodesOf(r, pages: 0..<r.pageCount)
            }
            lastPagesDone = account.pagesDone
            if let note = account.note { record(note: note) }
            return ns
        }
        func check() throws -> FlowCheck { try checkOn(to, recorded: lastPagesDone) }
        func tearDown() {
            readers?.stopAll()
            readers = nil
            move = nil
            region = nil
        }
    }
}

/// `numa-mbind`: mbind(2) with MPOL_MF_MOVE of a range to another node.
public struct NUMAMbindFlow: FlowDefinition {
    public var opensDevice: Bool { false }
    public init() {}
    public let name = "numa-mbind"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.numaPolicyMove }
    public let summary = "mbind(2) MPOL_BIND with MPOL_MF_MOVE of a range to another node"
    public let details = "Untimed: the range is bound to `from` with MPOL_MF_MOVE and checked. "
        + "Timed: mbind to `to` with MPOL_MF_MOVE|MPOL_MF_STRICT (like migspeed)."
    public var parameters: [FlowParameter] {
        [FlowParameter("size", "4M", "bytes moved per operation"), MirrorFlowSupport.mappingParameter([.anon, .thp])]
            + NUMAFlowInstance.nodeParameters
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { NUMAFlowInstance.memoryNeed(params, arrays: false) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(context, params: params)
    }

    final class Instance: NUMAFlowInstance, FlowInstance {
        func prepare() throws {
            let r = try current()
            try migrator.bind(r, to: from, move: true)
            try PlacementCheck.verify(try migrator.nodesOf(r, pages: 0..<r.pageCount), on: from)
        }
        func measure() throws -> UInt64 {
            let r = try current()
            return try Clock.measure { try migrator.bind(r, to: to, move: true) }.ns
        }
        func check() throws -> FlowCheck { try checkOn(to) }
    }
}

/// `numa-migrate-pages`: migrate_pages(2) of the whole process from one
/// node to another.
public struct NUMAMigratePagesFlow: FlowDefinition {
    public var opensDevice: Bool { false }
    public init() {}
    public let name = "numa-migrate-pages"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.numaPolicyMove }
    public let summary = "migrate_pages(2) of the whole process between nodes"
    public let details = "Untimed: the range is placed on `from` and checked. Timed: migrate_pages(from -> to) of the process, "
        + "which also moves any other page of hmmbench on `from`. pages_done is what really moved: the pgmigrate_success "
        + "delta over the call (read before and after the window), or, without that counter, the range's pages found on `to`."
    public var parameters: [FlowParameter] {
        [FlowParameter("size", "4M", "bytes of the range placed on `from`"), MirrorFlowSupport.mappingParameter([.anon, .thp])]
            + NUMAFlowInstance.nodeParameters
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { NUMAFlowInstance.memoryNeed(params, arrays: false) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(context, params: params)
    }

    final class Instance: NUMAFlowInstance, FlowInstance {
        override var notes: [String] {
            ["migrate_pages moves every page of the process on the source node; pages_per_op is the range, pages_done what moved"]
                + measuredNotes
        }
        func prepare() throws { try placeOnSource() }
        func measure() throws -> UInt64 {
            let before = migrator.migratedPages
            var notMoved = 0
            let ns = try Clock.measure { notMoved = try migrator.migrateProcess(from: from, to: to) }.ns
            // The clock has stopped: count what moved.
            let done: Int
            if let before, let after = migrator.migratedPages {
                done = after - before
                record(note: migrator.kind == .kernel
                    ? "pages_done is the pgmigrate_success delta over the call: every page of the process that moved, "
                        + "plus any other migration on the box in that window"
                    : "pages_done is the model's count of pages it moved")
            } else {
                let r = try current()
                done = try migrator.nodesOf(r, pages: 0..<r.pageCount).filter { $0 == Int32(to) }.count
                record(note: "no pgmigrate_success counter (CONFIG_VM_EVENT_COUNTERS): pages_done counts only the range's pages on node \(to)")
            }
            if notMoved > 0 { record(note: "migrate_pages reported pages of the process it could not move") }
            guard done > 0 else {
                throw HMMBenchError(.system, "migrate_pages from node \(from) to \(to) moved no page")
            }
            lastPagesDone = done
            return ns
        }
        func check() throws -> FlowCheck { try checkOn(to) }
    }
}
