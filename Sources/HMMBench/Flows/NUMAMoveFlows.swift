/// `numa-move-pages`: move_pages(2) of a range to another node, in batches,
/// optionally while other CPUs read the range (TLB shootdowns needed).
public struct NUMAMovePagesFlow: FlowDefinition {
    public init() {}
    public let name = "numa-move-pages"
    public let summary = "move_pages(2) of a range between NUMA nodes, in batches, with optional readers on other CPUs"
    public let details = "Untimed: the range is placed on `from`. Timed: move_pages to `to` in calls of `batch` pages. "
        + "threads=N keeps N threads reading the range on other CPUs so every move needs TLB shootdowns."
    public var parameters: [FlowParameter] {
        [FlowParameter("size", "4M", "bytes moved per operation"), FlowParameter("batch", "512", "pages per move_pages call"),
         MirrorFlowSupport.mappingParameter([.anon, .thp]),
         FlowParameter("protection", "rw", choices: ["rw", "ro"], "mapping writable or read-only"),
         FlowParameter("threads", "0", "threads reading the range on other CPUs")] + NUMAFlowInstance.nodeParameters
    }

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
        var notes: [String] {
            (threads > 0 ? ["\(threads) reader thread(s) on other CPUs during every move"] : [])
                + (threads > 0 && unpinned ? ["measuring thread not pinned (--cpu): it may have shared a CPU with a reader"] : [])
                + (migrator.kind == .simulated ? ["simulated NUMA topology: a page copy per move, no kernel work"] : [])
        }
        func prepare() throws { try migrator.place(try current(), on: from) }
        func measure() throws -> UInt64 {
            let r = try current()
            var outcome = MoveOutcome(moved: 0, failed: 0)
            let ns = try Clock.measure { outcome = try migrator.movePages(r, pages: 0..<r.pageCount, to: to, batch: batch) }.ns
            if outcome.failed > 0 {
                throw HMMBenchError(.system, "move_pages left \(outcome.failed) of \(r.pageCount) pages behind"
                    + (outcome.firstError.map { " (\(Errno.name($0)))" } ?? ""), errno: outcome.firstError)
            }
            return ns
        }
        func check() throws -> FlowCheck { try checkOn(to) }
        func tearDown() {
            readers?.stopAll()
            readers = nil
            region = nil
        }
    }
}

/// `numa-mbind`: mbind(2) with MPOL_MF_MOVE of a range to another node.
public struct NUMAMbindFlow: FlowDefinition {
    public init() {}
    public let name = "numa-mbind"
    public let summary = "mbind(2) MPOL_BIND with MPOL_MF_MOVE of a range to another node"
    public let details = "Untimed: the range is placed on `from`. Timed: mbind to `to` with MPOL_MF_MOVE|MPOL_MF_STRICT (like migspeed)."
    public var parameters: [FlowParameter] {
        [FlowParameter("size", "4M", "bytes moved per operation"), MirrorFlowSupport.mappingParameter([.anon, .thp])]
            + NUMAFlowInstance.nodeParameters
    }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(context, params: params)
    }

    final class Instance: NUMAFlowInstance, FlowInstance {
        func prepare() throws { try migrator.bind(try current(), to: from, move: true) }
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
    public init() {}
    public let name = "numa-migrate-pages"
    public let summary = "migrate_pages(2) of the whole process between nodes"
    public let details = "Untimed: the range is placed on `from`. Timed: migrate_pages(from -> to) of the process, "
        + "which also moves any other page of hmmbench on `from`: pages_per_op counts only the range."
    public var parameters: [FlowParameter] {
        [FlowParameter("size", "4M", "bytes of the range placed on `from`"), MirrorFlowSupport.mappingParameter([.anon, .thp])]
            + NUMAFlowInstance.nodeParameters
    }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(context, params: params)
    }

    final class Instance: NUMAFlowInstance, FlowInstance {
        var notes: [String] { ["migrate_pages moves every page of the process on the source node; pages_per_op counts the range only"] }
        func prepare() throws { try migrator.place(try current(), on: from) }
        func measure() throws -> UInt64 {
            try Clock.measure { _ = try migrator.migrateProcess(from: from, to: to) }.ns
        }
        func check() throws -> FlowCheck { try checkOn(to) }
    }
}
