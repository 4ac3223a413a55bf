import CShims
import Foundation

/// An in-process model of the test_hmm driver for boxes without it: real
/// memory and real copies (so timings have the shape of the work), a page
/// model that answers every request as the chosen generation's module does
/// (`SimulatorProfile`; see docs/SIMULATOR.md for what it leaves out). Not
/// thread-safe: one flow drives one backend. The page transitions, the
/// requests, migration and exclusive access live in the
/// Simulated*.swift extensions.
public final class SimulatedBackend: MirrorBackend {
    public let kind = BackendKind.simulated
    public let uapi: UAPITable
    /// The generation whose behaviour the model follows.
    public let profile: SimulatorProfile
    /// The table the modelled driver decodes requests with: the chosen
    /// generation's, or the profile's under a custom `--uapi-table`. A
    /// request it does not know gets EINVAL, the answer of test_hmm.c's
    /// dmirror_fops_unlocked_ioctl for an unknown command.
    public let driverTable: UAPITable
    /// Whether devices 2 and 3 (device-coherent) exist in this model.
    public let hasCoherentDevices: Bool

    /// Regions the model follows, by base address.
    var regions: [SimulatedRegion] = []
    /// Open mirrors: fd id -> device index.
    var openMirrors: [Int32: Int] = [:]
    /// Per open mirror: the value HMM_DMIRROR_FLAGS set (6.19+).
    var mirrorFlags: [Int32: UInt64] = [:]
    /// Per device: its chunks and free lists.
    var memory: [SimulatedDeviceMemory] = Array(repeating: SimulatedDeviceMemory(), count: DeviceDescriptor.count)
    private var nextMirror: Int32 = 3
    /// A page that stands in for memory the model must not touch.
    let scratch = HostBuffer(bytes: PageSize.base)

    /// Devices 0 and 1 always exist; 2 and 3 only when `coherentDevices`
    /// and the table is a 6.0+ one (it has migrate-to-sys). Without a
    /// `profile`, the one of the table's generation (6.1 for a custom table).
    public init(uapi: UAPITable, profile: SimulatorProfile? = nil, coherentDevices: Bool = true) {
        self.uapi = uapi
        let chosen = profile ?? uapi.generation.map(SimulatorProfile.forGeneration) ?? .v6_1
        self.profile = chosen
        driverTable = uapi.generation?.table ?? chosen.driverGeneration.table
        hasCoherentDevices = coherentDevices && uapi.supports(.migrateToSystem)
    }

    // MARK: MirrorBackend

    public func devices() -> [DeviceDescriptor] {
        (0..<DeviceDescriptor.count).map { DeviceDescriptor(index: $0, present: $0 < 2 || hasCoherentDevices) }
    }

    public func openDevice(_ index: Int) throws -> DeviceMirror {
        let path = "/dev/hmm_dmirror\(index)"
        guard index >= 0, index < DeviceDescriptor.count, index < 2 || hasCoherentDevices else {
            throw KernelBackend.openError(path: path, index: index, errno: ENOENT)
        }
        let id = nextMirror
        nextMirror += 1
        openMirrors[id] = index
        return SimulatedMirror(descriptor: DeviceDescriptor(index: index, path: path, present: true),
                               uapi: uapi, backend: self, id: id)
    }

    public func map(_ spec: MappingSpec) throws -> MappedRegion {
        let region: MappedRegion
        do {
            region = try MappedRegion(mapping: spec)
        } catch let e as HMMBenchError where spec.kind == .hugetlb {
            // No huge pages reserved on this box: back the model's hugetlb
            // mapping with a 2 MiB aligned anonymous one (see SIMULATOR.md).
            guard e.kind == .system else { throw e }
            var fallback = spec
            fallback.kind = .thp
            region = try MappedRegion(mapping: fallback)
            _ = hmmb_madvise(region.base, region.bytes, HMMB_MADV_NOHUGEPAGE)
        }
        let model = SimulatedRegion(base: region.base, pageCount: region.pageCount, kind: spec.kind)
        insert(model)
        region.onUnmap = { [weak self] r in self?.forget(address: r.address()) }
        switch spec.population {
        case .untouched: break
        case .read: cpuRead(region)
        case .write:
            for i in 0..<model.pageCount { fault(model, i, write: true, mirror: nil) }
            memset(region.base, 0x5A, region.bytes)
        }
        if spec.protection != .readWrite { try protect(region, spec.protection) }
        return region
    }

    public func protect(_ region: MappedRegion, _ protection: Protection) throws {
        try region.protect(protection)
        guard let r = model(of: region) else { return }
        r.protection = protection
        // mprotect invalidates every mirror's view of the range.
        r.invalidate(0..<r.pageCount)
        for i in 0..<r.pageCount {
            if protection != .readWrite {
                r.pages[i].writable = false
            } else if r.kind != .hugetlb, r.pages[i].present, !r.pages[i].zero, !r.pages[i].exclusive {
                // Private anon pages the process owns and shared pages get
                // their write bit back; the zero page never does.
                r.pages[i].writable = true
            }
        }
    }

    @discardableResult
    public func cpuRead(_ region: MappedRegion, pages: Range<Int>) -> UInt64 {
        guard !pages.isEmpty else { return 0 }
        if let r = model(of: region) {
            guard r.protection != .none else { return 0 }
            for i in pages { fault(r, i, write: false, mirror: nil) }
        }
        return hmmb_touch_read(region.pointer(page: pages.lowerBound), pages.count, PageSize.base)
    }

    public func cpuWrite(_ region: MappedRegion, pages: Range<Int>, value: UInt8) {
        guard !pages.isEmpty else { return }
        if let r = model(of: region) {
            // A real write would kill the process; the model refuses it.
            guard r.protection == .readWrite else { return }
            for i in pages { fault(r, i, write: true, mirror: nil) }
        }
        hmmb_touch_write(region.pointer(page: pages.lowerBound), pages.count, PageSize.base, value)
    }

    // MARK: Regions

    private func insert(_ r: SimulatedRegion) {
        regions.removeAll { $0.base < r.end && r.base < $0.end }
        regions.append(r)
        regions.sort { $0.base < $1.base }
    }

    private func forget(address: UInt) {
        regions.removeAll { $0.base == address }
    }

    func model(of region: MappedRegion) -> SimulatedRegion? {
        regions.first { $0.base == region.address() && $0.pageCount == region.pageCount }
    }

    /// Splits a request into runs of pages per region (nil: unmapped).
    func segments(address: UInt, pages n: Int) -> [SimulatedSegment] {
        var out: [SimulatedSegment] = []
        var done = 0
        let ps = UInt(PageSize.base)
        while done < n {
            let addr = address + UInt(done) * ps
            if let r = regions.first(where: { $0.contains(addr) }) {
                let first = Int((addr - r.base) / ps)
                let count = min(n - done, r.pageCount - first)
                out.append(SimulatedSegment(region: r, first: first, count: count, offset: done))
                done += count
            } else {
                let next = regions.first(where: { $0.base > addr })?.base
                let gap = next.map { Int(($0 - addr) / ps) } ?? (n - done)
                let count = min(n - done, max(1, gap))
                out.append(SimulatedSegment(region: nil, first: 0, count: count, offset: done))
                done += count
            }
        }
        return out
    }

    static func isPrivate(_ device: Int) -> Bool { device < 2 }

    func deviceOf(_ mirror: Int32) -> Int? { openMirrors[mirror] }

    /// Closing a mirror evicts every page its DEVICE holds, whichever fd
    /// migrated it (lib/test_hmm.c dmirror_fops_release evicts each of the
    /// device's chunks), revokes the fd's exclusive grants and forgets its
    /// page table.
    func close(mirror: Int32) {
        guard let device = openMirrors[mirror] else { return }
        evict(device)
        for r in regions {
            for i in 0..<r.pageCount where r.pages[i].mirror == mirror && r.pages[i].exclusive {
                revoke(r, i)
            }
            r.entries[mirror] = nil
        }
        openMirrors[mirror] = nil
        mirrorFlags[mirror] = nil
    }

    // MARK: Introspection (tests, docs)

    /// How many pages of followed regions sit on `device`.
    public func pagesOnDevice(_ device: Int) -> Int {
        regions.reduce(0) { $0 + $1.pages.filter { Int($0.device) == device }.count }
    }

    /// The 256 MiB chunks `device` has added, per free list: `base` chunks
    /// hold 4 KiB pages, `huge` chunks 2 MiB folios (6.19+).
    public func deviceChunks(_ device: Int) -> (base: Int, huge: Int) {
        (memory[device].baseChunks, memory[device].hugeChunks)
    }

    /// How many regions the model follows (unmapped ones are forgotten).
    public var followedRegionCount: Int { regions.count }

    /// How many mirrors are open.
    public var openMirrorCount: Int { openMirrors.count }
}
