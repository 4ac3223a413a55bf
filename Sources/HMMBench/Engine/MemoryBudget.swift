/// The memory a run may use, checked for the whole plan before anything is
/// mapped: each entry's declared need (`FlowDefinition.memoryNeed`)
/// against MemAvailable less a margin, and, on the real module, device
/// memory against what test_hmm can hand out. Entries run one after the
/// other and free their memory in between, so each must fit on its own.
/// A plan that does not fit is bad input (exit 2), never an OOM kill.
public struct MemoryBudget: Equatable, Sendable {
    /// MemAvailable of /proc/meminfo.
    public var availableBytes: Int
    /// Left for the rest of the box (and the tool itself).
    public var marginBytes: Int
    /// Device-coherent memory one device can hand out; nil when not
    /// limited (device-private memory, the simulator).
    public var coherentDeviceBytes: Int?

    public init(availableBytes: Int, marginBytes: Int? = nil, coherentDeviceBytes: Int? = nil) {
        self.availableBytes = availableBytes
        self.marginBytes = marginBytes ?? Self.margin(for: availableBytes)
        self.coherentDeviceBytes = coherentDeviceBytes
    }

    /// 128 MiB or 5% of what is available, whichever is larger.
    public static func margin(for available: Int) -> Int { max(128 << 20, available / 20) }

    /// test_hmm maps one DEVMEM_CHUNK_SIZE chunk (256 MiB) at each
    /// coherent device's spm_addr_devN; a second chunk would map the same
    /// range again (lib/test_hmm.c, dmirror_allocate_chunk, 6.1).
    public static let coherentChunkBytes = 256 << 20

    /// This box now, for `backend`. Nil when /proc/meminfo has no
    /// MemAvailable (nothing to check against).
    public static func current(backend: BackendKind, meminfo: String? = nil) -> MemoryBudget? {
        let available = MemoryInfo.value("MemAvailable", meminfo: meminfo)
        guard available > 0 else { return nil }
        return MemoryBudget(availableBytes: available, coherentDeviceBytes: backend == .kernel ? coherentChunkBytes : nil)
    }

    /// Checks every entry; throws a usage error naming the entry that needs
    /// the most among those that do not fit (and how many others do not).
    public func check(_ entries: [FlowParameters], catalog: FlowCatalog = .standard) throws {
        let usable = max(0, availableBytes - marginBytes)
        var tooBig: [(FlowParameters, MemoryNeed)] = []
        var tooBigDevice: [(FlowParameters, MemoryNeed)] = []
        for e in entries {
            guard let flow = try? catalog.flow(named: e.flow) else { continue }
            let need = flow.memoryNeed(e)
            if need.systemBytes > usable { tooBig.append((e, need)) }
            if need.device == .coherent, let limit = coherentDeviceBytes, need.deviceBytes > limit { tooBigDevice.append((e, need)) }
        }
        if let (e, need) = tooBig.max(by: { $0.1.systemBytes < $1.1.systemBytes }) {
            let others = tooBig.count - 1
            throw HMMBenchError.usage(
                "\(SuiteRunner.label(e)) needs about \(Self.format(need.systemBytes)) (\(need.what)); "
                    + "MemAvailable is \(Self.format(availableBytes))"
                    + (others == 1 ? " (1 more entry of the plan does not fit either)" : "")
                    + (others > 1 ? " (\(others) more entries of the plan do not fit either)" : ""),
                hint: "at most \(Self.format(usable)) can be used (a \(Self.format(marginBytes)) margin is kept); use a smaller size")
        }
        if let (e, need) = tooBigDevice.max(by: { $0.1.deviceBytes < $1.1.deviceBytes }), let limit = coherentDeviceBytes {
            throw HMMBenchError.usage(
                "\(SuiteRunner.label(e)) needs \(Self.format(need.deviceBytes)) of device-coherent memory; "
                    + "test_hmm hands out \(Self.format(limit)) per coherent device",
                hint: "use size=\(limit >> 20)M or less with memory=coherent")
        }
    }

    /// The one call `run` makes: checks `plan` against this box for the
    /// selected backend (no-op where MemAvailable cannot be read).
    public static func check(_ plan: RunPlan, backend: BackendKind, catalog: FlowCatalog = .standard) throws {
        try current(backend: backend)?.check(plan.entries, catalog: catalog)
    }

    /// "60 GiB", "21.3 GiB", always in GiB above 1 GiB so numbers compare.
    static func format(_ bytes: Int) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        if gib >= 1 { return "\(Format.fixed(gib, gib == gib.rounded() ? 0 : 1)) GiB" }
        return PageSize.format(bytes: bytes)
    }
}
