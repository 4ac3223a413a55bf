import CShims
import Foundation

/// The driver's ioctls on the model: argument checks, READ/WRITE through
/// the fd's page table with a fault pass, SNAPSHOT, CHECK_EXCLUSIVE,
/// RELEASE and FLAGS. Migration and EXCLUSIVE have their own files.
extension SimulatedBackend {
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
            // dmirror_device_remove_chunks: evict, then drop every chunk.
            evict(device)
            memory[device].removeChunks()
            return MirrorReply()
        case .flags where profile.flags:
            // dmirror_fops_unlocked_ioctl: dmirror->flags = cmd.npages.
            mirrorFlags[mirror] = UInt64(n)
            return MirrorReply()
        case .flags, .readUnlockable, .migrateOnFaultToDevice:
            // Not in this generation's driver (docs/SIMULATOR.md): the
            // ioctl's default case.
            return MirrorReply(errno: EINVAL)
        }
    }

    /// Whether `mirror` can do the access on every page without faulting.
    func firstMissing(_ mirror: Int32, _ segs: [SimulatedSegment], write: Bool) -> Int? {
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

    /// The first page of the request, at or after `from`, the fault pass
    /// cannot fault (no vma, PROT_NONE, or a write to a read-only vma),
    /// with its errno.
    private func firstBad(_ segs: [SimulatedSegment], from: Int, write: Bool) -> (Int, Int32)? {
        for s in segs where s.offset + s.count > from {
            let at = max(from, s.offset)
            guard let r = s.region, r.protection != .none else { return (at, EFAULT) }
            if write && r.protection != .readWrite { return (at, EPERM) }
        }
        return nil
    }

    /// READ / WRITE: copy through a bounce buffer, faulting the rest of the
    /// range in (one fault pass = one `faults`). dmirror_fault calls
    /// hmm_range_fault `faultBatch` pages at a time: on a bad page the CPU
    /// side of every page before it is faulted, the fd's table gets the
    /// complete batches before it, and the request fails.
    func access(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
                _ buffer: UnsafeMutableRawPointer?, write: Bool) -> MirrorReply {
        let ps = PageSize.base
        if write && buffer == nil { return MirrorReply(errno: EFAULT) }
        var faults: UInt64 = 0
        if let missing = firstMissing(mirror, segs, write: write) {
            let bad = firstBad(segs, from: missing, write: write)
            let end = bad?.0 ?? n
            let batch = profile.faultBatch
            let stored = bad == nil ? n : missing + (end - missing) / batch * batch
            for s in segs where s.offset + s.count > missing && s.offset < end {
                let r = s.region!
                for (k, i) in s.pages.enumerated() where s.offset + k >= missing && s.offset + k < end {
                    fault(r, i, write: write, mirror: mirror)
                    if s.offset + k < stored { r.setEntry(mirror, i, tag(r.pages[i])) }
                }
            }
            if let (_, errno) = bad { return MirrorReply(errno: errno) }
            faults = 1
        }
        let bounce = UnsafeMutableRawPointer.allocate(byteCount: n * ps, alignment: ps)
        defer { bounce.deallocate() }
        if write { memcpy(bounce, buffer!, n * ps) }
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
    func readBack(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
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

    /// One snapshot byte, as dmirror_mkentry writes it for `device`.
    func snapshotByte(_ r: SimulatedRegion?, _ i: Int, _ device: Int) -> UInt8 {
        guard let r, r.protection != .none else { return SnapshotByte.error }
        let p = r.pages[i]
        if p.exclusive { return SnapshotByte.none }
        let access = p.writable ? SnapshotByte.write : SnapshotByte.read
        if p.device >= 0 {
            let owner = Int(p.device)
            if Self.isPrivate(owner) {
                if p.huge {
                    // mm/hmm.c hmm_vma_handle_absent_pmd: the owner's huge
                    // entry with PMD order, anyone else's as an error.
                    return owner == device ? SnapshotByte.devicePrivateLocal | SnapshotByte.pmd | access : SnapshotByte.error
                }
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

    /// SNAPSHOT: one byte per page. (dmirror_snapshot works in
    /// `snapshotBatch`-page calls; the model has no partial snapshot, so
    /// the batch size does not show here.)
    func snapshot(_ device: Int, _ segs: [SimulatedSegment], _ n: Int,
                  _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        guard let out = buffer?.assumingMemoryBound(to: UInt8.self) else { return MirrorReply(errno: EFAULT) }
        for s in segs {
            for k in 0..<s.count { out[s.offset + k] = snapshotByte(s.region, s.first + k, device) }
        }
        return MirrorReply(cpages: UInt64(n))
    }
}
