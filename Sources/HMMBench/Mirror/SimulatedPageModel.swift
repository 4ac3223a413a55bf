import CShims
import Foundation

/// What the model knows about one base page of a simulated region: the CPU
/// page-table view (present, zero page, writable, PMD-mapped), where the
/// data lives (system memory or a dmirror device) and whether a device
/// holds it exclusively.
struct SimulatedPage: Equatable {
    /// A system page (or the zero page) is mapped by the CPU page table.
    /// Coherent device pages are present too (the CPU maps them).
    var present = false
    /// Maps the 4 KiB zero page (or, with `huge`, the huge zero page).
    var zero = false
    /// Mapped by a PMD (THP or a 2 MiB hugetlb page); on a device, part of
    /// one huge device folio (6.19 profile).
    var huge = false
    /// The pte (or device-private swap entry) allows writes.
    var writable = false
    /// The dmirror device holding the page, or -1 for system memory.
    var device: Int8 = -1
    /// The mirror (open fd) that migrated the page or holds it exclusively.
    var mirror: Int32 = 0
    /// A device-exclusive entry replaces the pte (make_device_exclusive).
    var exclusive = false
}

/// Tags of one entry in a mirror's page table (the driver's xarray).
enum SimulatedEntry {
    static let none: UInt8 = 0
    static let read: UInt8 = 1
    /// Writable entries carry `read | write`.
    static let write: UInt8 = 2
    /// Device-exclusive (atomic) entries carry `read | atomic`.
    static let atomic: UInt8 = 4
}

/// The model of one mapping: its pages, the per-mirror page tables over it
/// and the device-side copies of the pages migrated to device-private
/// memory. Reference type: the backend and its mirrors share it.
final class SimulatedRegion {
    let base: UInt
    let pageCount: Int
    let kind: MappingKind
    /// Where the region's real memory is (the CPU view).
    let memory: UnsafeMutableRawPointer
    var protection: Protection = .readWrite
    var pages: [SimulatedPage]
    /// THP only: per 2 MiB block, whether the PMD was split to ptes (after
    /// which the block faults page by page like base anon memory).
    var split: [Bool]
    /// Device-side copies of device-private pages, by page index.
    var storage: [Int: UnsafeMutableRawPointer] = [:]
    /// Per open mirror (fd id): one entry tag per page.
    var entries: [Int32: [UInt8]] = [:]

    static let blockPages = PageSize.pmd / PageSize.base

    init(base: UnsafeMutableRawPointer, pageCount: Int, kind: MappingKind) {
        self.memory = base
        self.base = UInt(bitPattern: base)
        self.pageCount = pageCount
        self.kind = kind
        pages = Array(repeating: SimulatedPage(), count: pageCount)
        split = Array(repeating: false, count: (pageCount + Self.blockPages - 1) / Self.blockPages)
    }

    var end: UInt { base + UInt(pageCount * PageSize.base) }

    func contains(_ address: UInt) -> Bool { address >= base && address < end }

    func pointer(_ page: Int) -> UnsafeMutableRawPointer { memory + page * PageSize.base }

    /// Pages of the 2 MiB block holding `page`.
    func block(of page: Int) -> Range<Int> {
        let first = (page / Self.blockPages) * Self.blockPages
        return first..<min(pageCount, first + Self.blockPages)
    }

    func entry(_ mirror: Int32, _ page: Int) -> UInt8 { entries[mirror]?[page] ?? SimulatedEntry.none }

    func setEntry(_ mirror: Int32, _ page: Int, _ tag: UInt8) {
        if entries[mirror] == nil { entries[mirror] = Array(repeating: SimulatedEntry.none, count: pageCount) }
        entries[mirror]![page] = tag
    }

    /// Drops entries over `range` in every mirror `keep` says no to (an
    /// mmu notifier invalidation).
    func invalidate(_ range: Range<Int>, keep: (Int32) -> Bool = { _ in false }) {
        for key in Array(entries.keys) where !keep(key) {
            for i in range { entries[key]![i] = SimulatedEntry.none }
        }
    }

    deinit {
        for (_, p) in storage { p.deallocate() }
    }
}

/// A run of consecutive pages of one request that fall in one region (or
/// in no region: unmapped).
struct SimulatedSegment {
    var region: SimulatedRegion?
    /// First page index inside the region (meaningless when unmapped).
    var first: Int
    var count: Int
    /// Index of the segment's first page within the request.
    var offset: Int

    var pages: Range<Int> { first..<(first + count) }
}
