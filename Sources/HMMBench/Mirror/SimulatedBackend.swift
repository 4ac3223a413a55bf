import CShims
import Foundation

/// An in-process model of the test_hmm driver for boxes without it: real
/// memory and real copies (so timings have the shape of the work), a page
/// model that answers every request as the 6.1 module does (see
/// docs/SIMULATOR.md for what it leaves out). Not thread-safe: one flow
/// drives one backend.
public final class SimulatedBackend: MirrorBackend {
    public let kind = BackendKind.simulated
    public let uapi: UAPITable
    /// The table the modelled driver decodes requests with: the chosen
    /// generation's, or 6.1's (the generation the model follows) under a
    /// custom `--uapi-table`. A request it does not know gets EINVAL, the
    /// answer of test_hmm.c's dmirror_fops_unlocked_ioctl for an unknown
    /// command.
    public let driverTable: UAPITable
    /// Whether devices 2 and 3 (device-coherent) exist in this model.
    public let hasCoherentDevices: Bool

    /// Regions the model follows, by base address.
    private var regions: [SimulatedRegion] = []
    /// Open mirrors: fd id -> device index.
    private var openMirrors: [Int32: Int] = [:]
    private var nextMirror: Int32 = 3
    /// A page that stands in for memory the model must not touch.
    private let scratch = HostBuffer(bytes: PageSize.base)

    /// Devices 0 and 1 always exist; 2 and 3 only when `coherentDevices`
    /// and the table is a 6.0+ one (it has migrate-to-sys).
    public init(uapi: UAPITable, coherentDevices: Bool = true) {
        self.uapi = uapi
        driverTable = uapi.generation?.table ?? UAPIGeneration.v6_1.table
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

    private func model(of region: MappedRegion) -> SimulatedRegion? {
        regions.first { $0.base == region.address() && $0.pageCount == region.pageCount }
    }

    /// Splits a request into runs of pages per region (nil: unmapped).
    private func segments(address: UInt, pages n: Int) -> [SimulatedSegment] {
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

    private func deviceOf(_ mirror: Int32) -> Int? { openMirrors[mirror] }

    // MARK: Page transitions

    /// Where a page's data lives now (device copy for device-private pages).
    private func data(_ r: SimulatedRegion, _ i: Int) -> UnsafeMutableRawPointer {
        if let s = r.storage[i] { return s }
        return r.protection == .none ? scratch.pointer : r.pointer(i)
    }

    /// Moves a device page back to system memory (migrate_to_ram, migrate
    /// to sys, release). `erase` is the mirror whose entry the driver
    /// erases; other devices' mirrors are invalidated.
    private func toSystem(_ r: SimulatedRegion, _ i: Int, erase: Int32?) {
        let p = r.pages[i]
        guard p.device >= 0 else { return }
        let owner = Int(p.device)
        if let s = r.storage.removeValue(forKey: i) {
            // The CPU copy is only writable in a read-write mapping; a
            // read-only one cannot have changed while the page was away.
            memcpy(r.protection == .readWrite ? r.pointer(i) : scratch.pointer, s, PageSize.base)
            s.deallocate()
        } else {
            memcpy(scratch.pointer, data(r, i), PageSize.base)
        }
        r.pages[i] = SimulatedPage(present: true, zero: false, huge: false, writable: p.writable)
        if let e = erase { r.entries[e]?[i] = SimulatedEntry.none }
        r.invalidate(i..<(i + 1)) { self.deviceOf($0) == owner }
    }

    /// Restores the pte of a device-exclusive page (any access does).
    private func revoke(_ r: SimulatedRegion, _ i: Int) {
        guard r.pages[i].exclusive else { return }
        r.pages[i].exclusive = false
        r.pages[i].writable = true
        r.invalidate(i..<(i + 1))
    }

    /// Splits the PMD of a THP block (split_huge_pmd / split_huge_page):
    /// the pages stay, mapped by ptes; every mirror loses the block.
    private func splitBlock(_ r: SimulatedRegion, _ i: Int) {
        guard r.kind == .thp else { return }
        let b = i / SimulatedRegion.blockPages
        guard !r.split[b] else { return }
        r.split[b] = true
        let block = r.block(of: i)
        for j in block { r.pages[j].huge = false }
        r.invalidate(block)
    }

    /// Populates a not-present page as a fault would.
    private func populate(_ r: SimulatedRegion, _ i: Int, write: Bool) {
        switch r.kind {
        case .anon:
            r.pages[i] = SimulatedPage(present: true, zero: !write, writable: write)
        case .shared, .file:
            // Shared shmem: no write notify, so a read fault maps the page
            // with the vma's (writable) protection.
            r.pages[i] = SimulatedPage(present: true, writable: r.protection == .readWrite)
        case .thp:
            if r.split[i / SimulatedRegion.blockPages] {
                r.pages[i] = SimulatedPage(present: true, zero: !write, writable: write)
            } else {
                // PMD none: a read maps the huge zero page, a write a THP.
                for j in r.block(of: i) {
                    r.pages[j] = SimulatedPage(present: true, zero: !write, huge: true, writable: write)
                }
            }
        case .hugetlb:
            // No zero page for hugetlb; a private read fault maps read-only.
            for j in r.block(of: i) {
                r.pages[j] = SimulatedPage(present: true, huge: true, writable: write)
            }
        }
    }

    /// A CPU access (`mirror` nil) or a device fault through
    /// hmm_range_fault by `mirror` on page `i`. Assumes the access is
    /// allowed by the protection (callers check).
    private func fault(_ r: SimulatedRegion, _ i: Int, write: Bool, mirror: Int32?) {
        if r.pages[i].exclusive { revoke(r, i) }
        let device = mirror.flatMap { deviceOf($0) }
        let p = r.pages[i]
        if p.device >= 0, Self.isPrivate(Int(p.device)) {
            // hmm_range_fault reports a local private page as is, unless a
            // write needs a write bit it lacks; anything else faults it back.
            if let d = device, Int(p.device) == d, !write || p.writable {
                return
            }
            toSystem(r, i, erase: p.mirror)
        }
        let q = r.pages[i]
        if !q.present {
            populate(r, i, write: write)
        } else if write && !q.writable {
            if q.zero && q.huge {
                // Write to the huge zero page: split to zero ptes, then COW.
                splitBlock(r, i)
                r.pages[i] = SimulatedPage(present: true, writable: true)
                r.invalidate(i..<(i + 1))
            } else if q.zero {
                r.pages[i] = SimulatedPage(present: true, writable: true)
                r.invalidate(i..<(i + 1))
            } else if r.kind == .hugetlb {
                for j in r.block(of: i) { r.pages[j].writable = true }
            } else {
                r.pages[i].writable = true
            }
        }
    }

    private func tag(_ p: SimulatedPage) -> UInt8 {
        p.writable ? SimulatedEntry.read | SimulatedEntry.write : SimulatedEntry.read
    }

    // MARK: Requests

    /// One request from mirror `mirror` (device `device`). The uapi check
    /// (ENOTTY) is the mirror's; this is the driver's ioctl.
    func perform(mirror: Int32, device: Int, _ op: MirrorOperation, address: UInt, pages n: Int,
                 buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        let ps = UInt(PageSize.base)
        guard address % ps == 0, n > 0 else { return MirrorReply(errno: EINVAL) }
        let (bytes, o1) = UInt(n).multipliedReportingOverflow(by: ps)
        let (_, o2) = address.addingReportingOverflow(bytes)
        guard !o1, !o2 else { return MirrorReply(errno: EINVAL) }
        let segs = segments(address: address, pages: n)
        switch op {
        case .read: return access(mirror, segs, n, buffer, write: false)
        case .write: return access(mirror, segs, n, buffer, write: true)
        case .migrateToDevice: return migrateToDevice(mirror, device, segs, n, buffer)
        case .migrateToSystem: return migrateToSystem(mirror, device, segs)
        case .snapshot: return snapshot(device, segs, n, buffer)
        case .exclusive: return exclusive(mirror, segs, n, buffer)
        case .checkExclusive:
            for s in segs {
                guard let r = s.region else { continue }
                if s.pages.contains(where: { r.entry(mirror, $0) & SimulatedEntry.atomic != 0 }) {
                    return MirrorReply(errno: EPERM)
                }
            }
            return MirrorReply()
        case .release:
            release(device)
            return MirrorReply()
        case .flags, .readUnlockable, .migrateOnFaultToDevice:
            // Not modelled: the model follows the 6.1-6.18 driver, which
            // has none of these (docs/SIMULATOR.md). A 6.1-6.18 table never
            // sends them (ENOTTY before reaching here).
            return MirrorReply(errno: EINVAL)
        }
    }

    /// Whether `mirror` can do the access on every page without faulting.
    private func firstMissing(_ mirror: Int32, _ segs: [SimulatedSegment], write: Bool) -> Int? {
        for s in segs {
            guard let r = s.region else { return s.offset }
            for (k, i) in s.pages.enumerated() {
                let e = r.entry(mirror, i)
                let ok = write ? e == SimulatedEntry.read | SimulatedEntry.write : e != SimulatedEntry.none
                if !ok { return s.offset + k }
            }
        }
        return nil
    }

    /// READ / WRITE: copy through a bounce buffer, faulting the rest of the
    /// range in (one fault pass = one `faults`).
    private func access(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
                        _ buffer: UnsafeMutableRawPointer?, write: Bool) -> MirrorReply {
        let ps = PageSize.base
        if write && buffer == nil { return MirrorReply(errno: EFAULT) }
        let bounce = UnsafeMutableRawPointer.allocate(byteCount: n * ps, alignment: ps)
        defer { bounce.deallocate() }
        if write { memcpy(bounce, buffer!, n * ps) }
        var faults: UInt64 = 0
        if let missing = firstMissing(mirror, segs, write: write) {
            // hmm_range_fault over [missing, end): the vma must allow it.
            for s in segs where s.offset + s.count > missing {
                guard let r = s.region, r.protection != .none else { return MirrorReply(errno: EFAULT) }
                if write && r.protection != .readWrite { return MirrorReply(errno: EPERM) }
            }
            for s in segs where s.offset + s.count > missing {
                let r = s.region!
                for (k, i) in s.pages.enumerated() where s.offset + k >= missing {
                    fault(r, i, write: write, mirror: mirror)
                    r.setEntry(mirror, i, tag(r.pages[i]))
                }
            }
            faults = 1
        }
        for s in segs {
            let r = s.region!
            for (k, i) in s.pages.enumerated() {
                let b = bounce + (s.offset + k) * ps
                if write {
                    let dst = r.storage[i] ?? (r.protection == .readWrite ? r.pointer(i) : scratch.pointer)
                    memcpy(dst, b, ps)
                } else {
                    memcpy(b, data(r, i), ps)
                }
            }
        }
        if !write {
            guard let out = buffer else { return MirrorReply(errno: EFAULT) }
            memcpy(out, bounce, n * ps)
        }
        return MirrorReply(cpages: UInt64(n), faults: faults)
    }

    /// The final step of migrate and exclusive: the device reads the range
    /// back into `ptr` from its own page table (ENOENT on a hole).
    private func readBack(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
                          _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        let ps = PageSize.base
        if firstMissing(mirror, segs, write: false) != nil { return MirrorReply(errno: ENOENT) }
        let bounce = UnsafeMutableRawPointer.allocate(byteCount: n * ps, alignment: ps)
        defer { bounce.deallocate() }
        for s in segs {
            let r = s.region!
            for (k, i) in s.pages.enumerated() { memcpy(bounce + (s.offset + k) * ps, data(r, i), ps) }
        }
        guard let out = buffer else { return MirrorReply(errno: EFAULT) }
        memcpy(out, bounce, n * ps)
        return MirrorReply(cpages: UInt64(n))
    }

    private func migrateToDevice(_ mirror: Int32, _ device: Int, _ segs: [SimulatedSegment], _ n: Int,
                                 _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        let ps = PageSize.base
        let coherent = !Self.isPrivate(device)
        for s in segs {
            guard let r = s.region, r.protection != .none, r.kind != .hugetlb else {
                return MirrorReply(errno: EINVAL)
            }
            // migrate_vma_setup invalidates other devices' mirrors.
            r.invalidate(s.pages) { self.deviceOf($0) == device }
            // Only private anonymous memory migrates to a device.
            guard r.kind == .anon || r.kind == .thp else { continue }
            for i in s.pages {
                let p = r.pages[i]
                if p.exclusive || p.device >= 0 { continue }
                splitBlock(r, i)
                let q = r.pages[i]
                let hasData = q.present && !q.zero
                let writable = hasData ? q.writable : r.protection == .readWrite
                let copy = UnsafeMutableRawPointer.allocate(byteCount: ps, alignment: ps)
                if hasData { memcpy(copy, r.pointer(i), ps) } else { memset(copy, 0, ps) }
                if coherent {
                    // Coherent memory is CPU addressable: the CPU view stays
                    // the data; the copy only stands for the work.
                    if !hasData, r.protection == .readWrite { memset(r.pointer(i), 0, ps) }
                    copy.deallocate()
                } else {
                    r.storage[i] = copy
                }
                r.pages[i] = SimulatedPage(present: coherent, writable: writable, device: Int8(device), mirror: mirror)
                r.setEntry(mirror, i, tag(r.pages[i]))
            }
        }
        return readBack(mirror, segs, n, buffer)
    }

    private func migrateToSystem(_ mirror: Int32, _ device: Int, _ segs: [SimulatedSegment]) -> MirrorReply {
        var cpages: UInt64 = 0
        for s in segs {
            guard let r = s.region, r.protection != .none, r.kind != .hugetlb else {
                return MirrorReply(errno: EINVAL)
            }
            r.invalidate(s.pages) { self.deviceOf($0) == device }
            for i in s.pages where Int(r.pages[i].device) == device {
                toSystem(r, i, erase: mirror)
                cpages += 1
            }
        }
        return MirrorReply(cpages: cpages)
    }

    private func snapshotByte(_ r: SimulatedRegion?, _ i: Int, _ device: Int) -> UInt8 {
        guard let r, r.protection != .none else { return SnapshotByte.error }
        let p = r.pages[i]
        if p.exclusive { return SnapshotByte.none }
        let access = p.writable ? SnapshotByte.write : SnapshotByte.read
        if p.device >= 0 {
            let owner = Int(p.device)
            if Self.isPrivate(owner) {
                return owner == device ? SnapshotByte.devicePrivateLocal | access : SnapshotByte.none
            }
            return (owner == device ? SnapshotByte.deviceCoherentLocal : SnapshotByte.deviceCoherentRemote) | access
        }
        guard p.present else { return SnapshotByte.none }
        var b = access
        if p.zero && !p.huge { b |= SnapshotByte.zero }
        if p.huge { b |= SnapshotByte.pmd }
        return b
    }

    private func snapshot(_ device: Int, _ segs: [SimulatedSegment], _ n: Int,
                          _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        guard let out = buffer?.assumingMemoryBound(to: UInt8.self) else { return MirrorReply(errno: EFAULT) }
        for s in segs {
            for k in 0..<s.count { out[s.offset + k] = snapshotByte(s.region, s.first + k, device) }
        }
        return MirrorReply(cpages: UInt64(n))
    }

    private func exclusive(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
                           _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        // get_user_pages(FOLL_WRITE) needs a writable vma.
        for s in segs {
            guard let r = s.region, r.protection == .readWrite else { return MirrorReply(errno: EBUSY) }
        }
        var refused = false
        var split = false
        for s in segs {
            let r = s.region!
            for i in s.pages { fault(r, i, write: true, mirror: nil) }
            switch r.kind {
            case .anon:
                continue
            case .thp:
                // FOLL_SPLIT_PMD splits the mapping. Measured on the 6.1
                // module (conformance thp/exclusive): the pages do become
                // device-exclusive (snapshot NONE, CHECK_EXCLUSIVE EPERM
                // until a CPU touch), yet the ioctl answers EBUSY.
                for i in s.pages { splitBlock(r, i) }
                split = true
            case .shared, .file, .hugetlb:
                refused = true
            }
        }
        if refused { return MirrorReply(errno: EBUSY) }
        for s in segs {
            let r = s.region!
            r.invalidate(s.pages)
            for i in s.pages {
                r.pages[i].exclusive = true
                r.pages[i].mirror = mirror
                r.setEntry(mirror, i, SimulatedEntry.read | SimulatedEntry.atomic)
            }
        }
        if split { return MirrorReply(errno: EBUSY) }
        return readBack(mirror, segs, n, buffer)
    }

    /// RELEASE: evict every page of `device` back to system memory.
    private func release(_ device: Int) {
        for r in regions {
            for i in 0..<r.pageCount where Int(r.pages[i].device) == device {
                toSystem(r, i, erase: nil)
                r.invalidate(i..<(i + 1))
            }
        }
    }

    /// Closing a mirror evicts every page its DEVICE holds, whichever fd
    /// migrated it (lib/test_hmm.c dmirror_fops_release evicts each of the
    /// device's chunks), revokes the fd's exclusive grants and forgets its
    /// page table.
    func close(mirror: Int32) {
        guard let device = openMirrors[mirror] else { return }
        release(device)
        for r in regions {
            for i in 0..<r.pageCount where r.pages[i].mirror == mirror && r.pages[i].exclusive {
                revoke(r, i)
            }
            r.entries[mirror] = nil
        }
        openMirrors[mirror] = nil
    }

    // MARK: Introspection (tests, docs)

    /// How many pages of followed regions sit on `device`.
    public func pagesOnDevice(_ device: Int) -> Int {
        regions.reduce(0) { $0 + $1.pages.filter { Int($0.device) == device }.count }
    }

    /// How many regions the model follows (unmapped ones are forgotten).
    public var followedRegionCount: Int { regions.count }

    /// How many mirrors are open.
    public var openMirrorCount: Int { openMirrors.count }
}
