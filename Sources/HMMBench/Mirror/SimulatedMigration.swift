import CShims
import Foundation

/// MIGRATE_TO_DEV and MIGRATE_TO_SYS on the model. Base pages move one by
/// one as in 6.1 (a THP is split on the way); with the profile's
/// device-private THP (6.19+) a whole PMD-mapped THP, huge zero page or
/// empty PMD inside one migrate batch moves as one huge device folio.
extension SimulatedBackend {
    func migrateToDevice(_ mirror: Int32, _ device: Int, _ segs: [SimulatedSegment], _ n: Int,
                         _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        for s in segs {
            guard let r = s.region, r.protection != .none, r.kind != .hugetlb else {
                return MirrorReply(errno: EINVAL)
            }
            // migrate_vma_setup invalidates other devices' mirrors.
            r.invalidate(s.pages) { self.deviceOf($0) == device }
            // Only private anonymous memory migrates to a device.
            guard r.kind == .anon || r.kind == .thp else { continue }
            var i = s.first
            while i < s.first + s.count {
                if wholeHugeBlock(r, i, s, device) {
                    migrateBlock(r, i, mirror: mirror, device: device)
                    i += SimulatedRegion.blockPages
                    continue
                }
                let p = r.pages[i]
                if !p.exclusive && p.device < 0 {
                    if failAllocPending(mirror) {
                        // dmirror_migrate_alloc_and_copy: a failed base
                        // allocation leaves the page where it is; the
                        // verification read then finds the hole (ENOENT).
                        consumeFailAlloc(mirror, huge: false)
                    } else {
                        splitBlock(r, i)
                        migratePage(r, i, mirror: mirror, device: device)
                    }
                }
                i += 1
            }
        }
        return readBack(mirror, segs, n, buffer)
    }

    /// Whether page `i` starts a THP block the profile migrates whole to
    /// `device`: a private device, an unsplit 2 MiB block (PMD-mapped THP,
    /// huge zero page or empty PMD) that lies in one migrate batch.
    private func wholeHugeBlock(_ r: SimulatedRegion, _ i: Int, _ s: SimulatedSegment, _ device: Int) -> Bool {
        let n = SimulatedRegion.blockPages
        guard profile.devicePrivateTHP, Self.isPrivate(device), r.kind == .thp, i % n == 0,
              !r.split[i / n], (i - s.first) % profile.migrateBatch == 0, i + n <= s.first + s.count else { return false }
        let block = r.block(of: i)
        guard block.count == n else { return false }
        let pages = block.map { r.pages[$0] }
        guard pages.allSatisfy({ $0.device < 0 && !$0.exclusive }) else { return false }
        return pages.allSatisfy { $0.present && $0.huge } || pages.allSatisfy { !$0.present }
    }

    /// One 2 MiB block to a huge device folio, or, when FAIL_ALLOC makes
    /// the huge allocation fail, to 512 base device pages
    /// (dmirror_migrate_alloc_and_copy's fallback; the THP is split).
    private func migrateBlock(_ r: SimulatedRegion, _ i: Int, mirror: Int32, device: Int) {
        let block = r.block(of: i)
        if consumeFailAlloc(mirror, huge: true) {
            splitBlock(r, i)
            for j in block { migratePage(r, j, mirror: mirror, device: device) }
            return
        }
        memory[device].allocate(huge: true)
        let ps = PageSize.base
        for j in block {
            let q = r.pages[j]
            let hasData = q.present && !q.zero
            let writable = hasData ? q.writable : r.protection == .readWrite
            let copy = UnsafeMutableRawPointer.allocate(byteCount: ps, alignment: ps)
            if hasData { memcpy(copy, r.pointer(j), ps) } else { memset(copy, 0, ps) }
            r.storage[j] = copy
            r.pages[j] = SimulatedPage(huge: true, writable: writable, device: Int8(device), mirror: mirror)
            r.setEntry(mirror, j, entryTag(r.pages[j], hasData: hasData))
        }
    }

    /// One base page to `device` (a private copy, or for coherent memory
    /// the CPU view stays the data).
    private func migratePage(_ r: SimulatedRegion, _ i: Int, mirror: Int32, device: Int) {
        let ps = PageSize.base
        let coherent = !Self.isPrivate(device)
        let q = r.pages[i]
        let hasData = q.present && !q.zero
        let writable = hasData ? q.writable : r.protection == .readWrite
        let copy = UnsafeMutableRawPointer.allocate(byteCount: ps, alignment: ps)
        if hasData { memcpy(copy, r.pointer(i), ps) } else { memset(copy, 0, ps) }
        memory[device].allocate(huge: false)
        if coherent {
            // Coherent memory is CPU addressable: the CPU view stays
            // the data; the copy only stands for the work.
            if !hasData, r.protection == .readWrite { memset(r.pointer(i), 0, ps) }
            copy.deallocate()
        } else {
            r.storage[i] = copy
        }
        r.pages[i] = SimulatedPage(present: coherent, writable: writable, device: Int8(device), mirror: mirror)
        r.setEntry(mirror, i, entryTag(r.pages[i], hasData: hasData))
    }

    /// The fd's page-table entry for a page it just migrated: writable when
    /// the page is, except for a page without a source where the profile
    /// takes the write bit from the (empty) source entry.
    private func entryTag(_ p: SimulatedPage, hasData: Bool) -> UInt8 {
        hasData || profile.holeEntryWritable ? tag(p) : SimulatedEntry.read
    }

    func migrateToSystem(_ mirror: Int32, _ device: Int, _ segs: [SimulatedSegment]) -> MirrorReply {
        var cpages: UInt64 = 0
        for s in segs {
            guard let r = s.region, r.protection != .none, r.kind != .hugetlb else {
                return MirrorReply(errno: EINVAL)
            }
            r.invalidate(s.pages) { self.deviceOf($0) == device }
            let end = s.first + s.count
            var i = s.first
            while i < end {
                let p = r.pages[i]
                guard Int(p.device) == device else {
                    i += 1
                    continue
                }
                if p.huge {
                    let block = r.block(of: i)
                    if block.lowerBound >= s.first, block.upperBound <= end,
                       (block.lowerBound - s.first) % profile.migrateBatch == 0 {
                        // One source entry per huge page
                        // (dmirror_successful_migrated_pages), unless
                        // FAIL_ALLOC splits it on the way back.
                        let split = consumeFailAlloc(mirror, huge: true)
                        toSystem(r, i, erase: mirror, split: split)
                        cpages += split ? UInt64(block.count) : 1
                        i = block.upperBound
                        continue
                    }
                    // Part of a huge folio: migrate_vma_collect_huge_pmd
                    // splits it and the pages move one by one.
                    for j in block { r.pages[j].huge = false }
                }
                if failAllocPending(mirror) {
                    // dmirror_devmem_fault_alloc_and_copy: VM_FAULT_OOM for
                    // a base page; the ioctl returns -ENOMEM.
                    consumeFailAlloc(mirror, huge: false)
                    return MirrorReply(errno: ENOMEM)
                }
                toSystem(r, i, erase: mirror)
                cpages += 1
                i += 1
            }
        }
        return MirrorReply(cpages: cpages)
    }
}
