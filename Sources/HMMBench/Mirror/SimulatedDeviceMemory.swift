/// The simulated driver's device memory for one device: 256 MiB chunks
/// added on demand, with a free list of base pages and, from 6.19, one of
/// 2 MiB folios (lib/test_hmm.c dmirror_allocate_chunk puts every aligned
/// 2 MiB block of a chunk added for a huge allocation on free_folios, and
/// dmirror_devmem_free returns a page to the list of its size).
/// dmirror_device_init adds the first (base) chunk when the module loads.
struct SimulatedDeviceMemory: Equatable {
    static let chunkPages = 256 * 1024 * 1024 / PageSize.base
    static let blockPages = PageSize.pmd / PageSize.base

    var baseChunks = 1
    var hugeChunks = 0
    var freeBase = SimulatedDeviceMemory.chunkPages
    var freeHuge = 0

    /// Takes one base page or one huge folio, adding a chunk when its list
    /// is empty.
    mutating func allocate(huge: Bool) {
        if huge {
            if freeHuge == 0 {
                hugeChunks += 1
                freeHuge += Self.chunkPages / Self.blockPages
            }
            freeHuge -= 1
        } else {
            if freeBase == 0 {
                baseChunks += 1
                freeBase += Self.chunkPages
            }
            freeBase -= 1
        }
    }

    /// Gives a page or folio back to its list.
    mutating func free(huge: Bool) {
        if huge { freeHuge += 1 } else { freeBase += 1 }
    }

    /// RELEASE: dmirror_device_remove_chunks evicts and unmaps every chunk;
    /// the next allocation adds a new one.
    mutating func removeChunks() {
        self = SimulatedDeviceMemory(baseChunks: 0, hugeChunks: 0, freeBase: 0, freeHuge: 0)
    }
}
