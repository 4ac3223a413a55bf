/// The pieces every dmirror flow shares: common parameters, opening the
/// device (and its peer) for a memory kind, checking replies and snapshots.
enum MirrorFlowSupport {
    static let sizeParameter = FlowParameter("size", "2M", "bytes per operation (K, M, G, or p for pages)")
    static let memoryParameter = FlowParameter("memory", "private", choices: ["private", "coherent"],
                                               "device memory: private (dev0/dev1) or coherent (dev2/dev3)")
    static func mappingParameter(_ kinds: [MappingKind] = MappingKind.allCases, default d: MappingKind = .anon) -> FlowParameter {
        FlowParameter("mapping", d.rawValue, choices: kinds.map(\.rawValue), "memory mapped: \(kinds.map(\.rawValue).joined(separator: ", "))")
    }
    static let populateParameter = FlowParameter("populate", "yes", choices: ["yes", "no"],
                                                 "CPU-write every page first (no: never touched)")

    /// The device for `memory` (dev0 or dev2) and, when asked, its peer.
    static func open(_ context: FlowContext, memory: DeviceMemoryKind, peer: Bool) throws -> (DeviceMirror, DeviceMirror?) {
        let first = memory == .private ? 0 : 2
        let backend = context.mirror
        guard backend.hasDevice(first) else {
            throw FlowSkip(memory == .coherent
                ? "no device-coherent devices (/dev/hmm_dmirror2,3 need test_hmm loaded with spm_addr_dev0=/spm_addr_dev1=)"
                : "no /dev/hmm_dmirror\(first)")
        }
        if peer, !backend.hasDevice(first + 1) { throw FlowSkip("no /dev/hmm_dmirror\(first + 1) for the peer device") }
        let a = try backend.openDevice(first)
        let b = peer ? try backend.openDevice(first + 1) : nil
        return (a, b)
    }

    /// FlowSkip when the uapi generation lacks an operation.
    static func require(_ ops: [MirrorOperation], _ table: UAPITable) throws {
        for op in ops where !table.supports(op) {
            throw FlowSkip("uapi \(table.name) has no \(op.uapiName)")
        }
    }

    /// FlowSkip when hugetlb memory for `bytes` is not reserved.
    static func requireHugetlb(_ kind: MappingKind, bytes: Int, backend: MirrorBackend) throws {
        guard kind == .hugetlb, backend.kind == .kernel else { return }
        let h = SystemFacts.hugetlb()
        if h.free * max(h.pageSizeBytes, 1) < bytes {
            throw FlowSkip("hugetlb needs \(PageSize.format(bytes: bytes)) of free huge pages; \(h.free) free (echo N > /proc/sys/vm/nr_hugepages)")
        }
    }

    /// Throws a system error naming the operation when the reply failed.
    @discardableResult
    static func expectSuccess(_ reply: MirrorReply, _ op: MirrorOperation, device: DeviceMirror) throws -> MirrorReply {
        if reply.errno != 0 {
            throw HMMBenchError.system("\(op.uapiName) on \(device.descriptor.path)", errno: reply.errno)
        }
        return reply
    }

    /// A check over a snapshot taken by `device`: every byte satisfies `ok`.
    static func checkSnapshot(_ device: DeviceMirror, _ region: MappedRegion, expect description: String,
                              _ ok: (UInt8) -> Bool) -> FlowCheck {
        let (reply, bytes) = device.snapshot(region)
        guard reply.succeeded else {
            return FlowCheck(passed: false, detail: "snapshot failed: \(Errno.name(reply.errno))")
        }
        let bad = bytes.filter { !ok($0) }
        let summary = histogram(bytes)
        if bad.isEmpty { return FlowCheck(passed: true, detail: "\(description): \(summary)") }
        return FlowCheck(passed: false, detail: "expected \(description), \(bad.count) of \(bytes.count) pages differ: \(summary)")
    }

    /// "512 x DEV_PRIVATE_LOCAL|WRITE, 2 x NONE".
    static func histogram(_ bytes: [UInt8]) -> String {
        var counts: [UInt8: Int] = [:]
        for b in bytes { counts[b, default: 0] += 1 }
        return counts.sorted { $0.value > $1.value }.map { "\($0.value) x \(SnapshotByte.describe($0.key))" }.joined(separator: ", ")
    }

    /// Whether a snapshot byte says the page is in this device's memory.
    static func onDevice(_ b: UInt8, memory: DeviceMemoryKind) -> Bool {
        b != SnapshotByte.error && (b & 0x70) == (memory == .private ? SnapshotByte.devicePrivateLocal : SnapshotByte.deviceCoherentLocal)
    }

    /// Whether a snapshot byte says the page is in system memory (present, not device).
    static func inSystemMemory(_ b: UInt8) -> Bool {
        b != SnapshotByte.error && b != SnapshotByte.none && (b & 0x60) == 0
    }

    static let copyBackNote = "MIGRATE_TO_DEV includes the driver's copy of the range back to the user buffer"
}

/// The common state of a dmirror flow instance: the devices, the mapping
/// spec, a buffer for `ptr`, and the current region.
class MirrorFlowInstance {
    let context: FlowContext
    let memory: DeviceMemoryKind
    let device: DeviceMirror
    let peer: DeviceMirror?
    let spec: MappingSpec
    let buffer: HostBuffer
    var region: MappedRegion?
    /// Call windows made so far, with their device (`window(_:matching:make:)`).
    var windows: [(device: DeviceMirror, window: MirrorCallWindow)] = []

    init(_ context: FlowContext, params: FlowParameters, mappings: [MappingKind] = MappingKind.allCases,
         withPeer: Bool = false, requires ops: [MirrorOperation]) throws {
        self.context = context
        memory = try params.choice("memory", DeviceMemoryKind.self)
        let kind = try params.choice("mapping", MappingKind.self, allowed: mappings)
        let bytes = try params.size("size", unit: kind.granule)
        let populate = params.values["populate"].map { $0 == "yes" } ?? true
        spec = MappingSpec(kind, bytes: bytes, population: populate ? .write : .untouched)
        try MirrorFlowSupport.require(ops, context.mirror.uapi)
        try MirrorFlowSupport.requireHugetlb(kind, bytes: bytes, backend: context.mirror)
        (device, peer) = try MirrorFlowSupport.open(context, memory: memory, peer: withPeer)
        buffer = try HostBuffer.allocate(bytes: bytes)
    }

    var bytesPerOp: Int { spec.bytes }
    var pagesPerOp: Int { spec.pages }
    var backend: BackendKind { context.mirror.kind }
    var deviceMemory: DeviceMemoryKind? { memory }

    /// Unmaps the previous region and maps a fresh one (untimed).
    @discardableResult
    func freshRegion() throws -> MappedRegion {
        region = nil
        let r = try context.mirror.map(spec)
        region = r
        return r
    }

    func current() throws -> MappedRegion {
        guard let r = region else { throw HMMBenchError(.system, "flow measured before prepare") }
        return r
    }

    /// Times one operation over the whole current region; throws on errno.
    func timed(_ op: MirrorOperation, on d: DeviceMirror? = nil) throws -> UInt64 {
        let dev = d ?? device
        return try run(window(dev, matching: { $0.count == 1 && $0[0].operation == op }, make: { [dev.request(op)] }), on: dev)
    }

    /// Times `ops` back to back in one window over the whole current
    /// region, then `after` (a CPU step, say) if given; the first failure
    /// ends the window and is thrown once the clock has stopped.
    func timed(_ ops: [MirrorOperation], on d: DeviceMirror? = nil, then after: ((MappedRegion) -> Void)? = nil) throws -> UInt64 {
        let dev = d ?? device
        let w = window(dev, matching: { $0.lazy.map(\.operation).elementsEqual(ops) }, make: { ops.map { dev.request($0) } })
        return try run(w, on: dev, then: after)
    }

    /// Runs `window` over the whole current region with `buffer`, then
    /// `after` inside the same window if given; throws the first failure's
    /// errno once the clock has stopped.
    func run(_ window: MirrorCallWindow, on dev: DeviceMirror, then after: ((MappedRegion) -> Void)? = nil) throws -> UInt64 {
        try run(window, on: dev, buffer: buffer.pointer, then: after)
    }

    /// The same with `ptr` as the calls' buffer (a flow's own, such as
    /// snapshot's byte per page).
    func run(_ window: MirrorCallWindow, on dev: DeviceMirror, buffer ptr: UnsafeMutableRawPointer?,
             then after: ((MappedRegion) -> Void)? = nil) throws -> UInt64 {
        let r = try current()
        let step = after.map { a in { a(r) } }
        let ns = window.run(address: r.address(page: 0), pages: r.pageCount, buffer: ptr, then: step)
        if let (i, reply) = window.failure {
            try MirrorFlowSupport.expectSuccess(reply, window.requests[i].operation, device: dev)
        }
        return ns
    }

    /// The call window of `dev` whose requests satisfy `matches`, made
    /// with `make` the first time (a flow has one or two: no lookup by
    /// hashing, no allocation once made).
    func window(_ dev: DeviceMirror, matching matches: ([MirrorRequest]) -> Bool,
                make: () -> [MirrorRequest]) -> MirrorCallWindow {
        for (owner, w) in windows where owner === dev && matches(w.requests) { return w }
        let w = dev.callWindow(make())
        windows.append((dev, w))
        return w
    }

    /// Issues an untimed operation; throws on errno.
    func untimed(_ op: MirrorOperation, on d: DeviceMirror? = nil) throws {
        let dev = d ?? device
        try MirrorFlowSupport.expectSuccess(dev.perform(op, try current(), buffer: buffer.pointer), op, device: dev)
    }

    func tearDown() {
        region = nil
        device.close()
        peer?.close()
    }
}
