import CShims
import Foundation

/// EXCLUSIVE on the model, by the profile's rules.
extension SimulatedBackend {
    func exclusive(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
                   _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        switch profile.exclusive {
        case .rangeBusy: return exclusiveRangeBusy(mirror, segs, n, buffer)
        case .perPageFolio: return exclusivePerPage(mirror, segs, n, buffer)
        }
    }

    /// Makes page `i` device-exclusive for `mirror`.
    private func grant(_ r: SimulatedRegion, _ i: Int, _ mirror: Int32) {
        r.invalidate(i..<(i + 1))
        r.pages[i].exclusive = true
        r.pages[i].mirror = mirror
        r.setEntry(mirror, i, SimulatedEntry.read | SimulatedEntry.atomic)
    }

    /// 6.1-6.14 (make_device_exclusive_range, lib/test_hmm.c
    /// dmirror_exclusive): EBUSY unless every page was made exclusive.
    private func exclusiveRangeBusy(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
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
            for i in s.pages { grant(s.region!, i, mirror) }
        }
        if split { return MirrorReply(errno: EBUSY) }
        return readBack(mirror, segs, n, buffer)
    }

    /// 6.15+ (mm/rmap.c make_device_exclusive, one address at a time):
    /// GUP with FOLL_WRITE | FOLL_SPLIT_PMD fails with EFAULT on a hole, a
    /// PROT_NONE or read-only vma; a folio that is not anonymous, or is
    /// hugetlb, gives EOPNOTSUPP. dmirror_exclusive stops at the first
    /// error with the earlier pages left exclusive, then reads back.
    private func exclusivePerPage(_ mirror: Int32, _ segs: [SimulatedSegment], _ n: Int,
                                  _ buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        for s in segs {
            guard let r = s.region, r.protection == .readWrite else { return MirrorReply(errno: EFAULT) }
            for i in s.pages {
                fault(r, i, write: true, mirror: nil)
                switch r.kind {
                case .anon:
                    break
                case .thp:
                    splitBlock(r, i)
                case .shared, .file, .hugetlb:
                    return MirrorReply(errno: EOPNOTSUPP)
                }
                grant(r, i, mirror)
            }
        }
        return readBack(mirror, segs, n, buffer)
    }
}
