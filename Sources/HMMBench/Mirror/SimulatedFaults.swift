import CShims
import Foundation

/// Page transitions of the model: CPU and device faults, migration back to
/// system memory, PMD splits and the revocation of device-exclusive entries.
extension SimulatedBackend {
    /// Where a page's data lives now (device copy for device-private pages).
    func data(_ r: SimulatedRegion, _ i: Int) -> UnsafeMutableRawPointer {
        if let s = r.storage[i] { return s }
        return r.protection == .none ? scratch.pointer : r.pointer(i)
    }

    /// Moves a device page back to system memory (migrate_to_ram, migrate
    /// to sys, release). A page of a huge device folio brings its whole
    /// block back as one THP (6.19 dmirror_devmem_fault migrates the
    /// folio's order), unless `split` (FAIL_ALLOC made the huge allocation
    /// fail: the block comes back page by page). `erase` is the mirror
    /// whose entries the driver erases; other devices' mirrors are
    /// invalidated.
    func toSystem(_ r: SimulatedRegion, _ i: Int, erase: Int32?, split: Bool = false) {
        let p = r.pages[i]
        guard p.device >= 0 else { return }
        let pages = p.huge ? r.block(of: i) : i..<(i + 1)
        memory[Int(p.device)].free(huge: p.huge)
        for j in pages { copyBack(r, j, huge: p.huge && !split, erase: erase) }
        if p.huge { r.split[i / SimulatedRegion.blockPages] = split }
    }

    private func copyBack(_ r: SimulatedRegion, _ i: Int, huge: Bool, erase: Int32?) {
        let p = r.pages[i]
        let owner = Int(p.device)
        if let s = r.storage.removeValue(forKey: i) {
            // The CPU copy is only writable in a read-write mapping; a
            // read-only one cannot have changed while the page was away.
            memcpy(r.protection == .readWrite ? r.pointer(i) : scratch.pointer, s, PageSize.base)
            s.deallocate()
        } else {
            memcpy(scratch.pointer, data(r, i), PageSize.base)
        }
        r.pages[i] = SimulatedPage(present: true, zero: false, huge: huge, writable: p.writable)
        if let e = erase { r.entries[e]?[i] = SimulatedEntry.none }
        r.invalidate(i..<(i + 1)) { self.deviceOf($0) == owner }
    }

    /// Restores the pte of a device-exclusive page (any access does).
    func revoke(_ r: SimulatedRegion, _ i: Int) {
        guard r.pages[i].exclusive else { return }
        r.pages[i].exclusive = false
        r.pages[i].writable = true
        r.invalidate(i..<(i + 1))
    }

    /// Splits the PMD of a THP block (split_huge_pmd / split_huge_page):
    /// the pages stay, mapped by ptes; every mirror loses the block.
    func splitBlock(_ r: SimulatedRegion, _ i: Int) {
        guard r.kind == .thp else { return }
        let b = i / SimulatedRegion.blockPages
        guard !r.split[b] else { return }
        r.split[b] = true
        let block = r.block(of: i)
        for j in block where r.pages[j].device < 0 { r.pages[j].huge = false }
        r.invalidate(block)
    }

    /// Populates a not-present page as a fault would.
    func populate(_ r: SimulatedRegion, _ i: Int, write: Bool) {
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
    func fault(_ r: SimulatedRegion, _ i: Int, write: Bool, mirror: Int32?) {
        if r.pages[i].exclusive { revoke(r, i) }
        let device = mirror.flatMap { deviceOf($0) }
        let p = r.pages[i]
        if p.device >= 0, Self.isPrivate(Int(p.device)) {
            // hmm_range_fault reports a local private page as is, unless a
            // write needs a write bit it lacks; anything else faults it back.
            if let d = device, Int(p.device) == d, !write || p.writable {
                return
            }
            toSystem(r, i, erase: p.mirror, split: consumeFailAlloc(p.mirror, huge: p.huge))
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

    func tag(_ p: SimulatedPage) -> UInt8 {
        p.writable ? SimulatedEntry.read | SimulatedEntry.write : SimulatedEntry.read
    }

    /// Consumes `mirror`'s one-shot FAIL_ALLOC flag (6.19 FLAGS) at a
    /// device or system allocation; true when it was set and the
    /// allocation is a huge one, which then falls back to base pages.
    /// A base allocation that consumes it fails; callers that model that
    /// failure check `failAllocPending` first.
    @discardableResult
    func consumeFailAlloc(_ mirror: Int32, huge: Bool) -> Bool {
        guard failAllocPending(mirror) else { return false }
        mirrorFlags[mirror] = mirrorFlags[mirror]! & ~SimulatedBackend.failAlloc
        return huge
    }

    /// Whether `mirror`'s next allocation is set to fail.
    func failAllocPending(_ mirror: Int32) -> Bool {
        profile.flags && (mirrorFlags[mirror] ?? 0) & SimulatedBackend.failAlloc != 0
    }

    /// HMM_DMIRROR_FLAG_FAIL_ALLOC (lib/test_hmm_uapi.h, 6.19+).
    static let failAlloc: UInt64 = 1

    /// Every page `device` holds back to system memory
    /// (dmirror_device_evict_chunk on each chunk; huge folios come back whole).
    func evict(_ device: Int) {
        for r in regions {
            for i in 0..<r.pageCount where Int(r.pages[i].device) == device {
                toSystem(r, i, erase: nil)
                r.invalidate(i..<(i + 1))
            }
        }
    }
}
