import CShims
import Foundation

/// The kind of memory a flow maps: each reaches a different part of mm.
public enum MappingKind: String, CaseIterable, Codable, Sendable {
    /// MAP_PRIVATE | MAP_ANONYMOUS, base pages (MADV_NOHUGEPAGE).
    case anon
    /// MAP_SHARED | MAP_ANONYMOUS (shmem).
    case shared
    /// MAP_SHARED of a memfd (tmpfs file).
    case file
    /// Private anonymous, 2 MiB aligned, MADV_HUGEPAGE.
    case thp
    /// MAP_HUGETLB (needs nr_hugepages > 0).
    case hugetlb

    /// The unit a size of this kind must be a multiple of.
    public var granule: Int { self == .thp || self == .hugetlb ? PageSize.pmd : PageSize.base }
}

/// Page protection of a mapping.
public enum Protection: String, CaseIterable, Codable, Sendable {
    case readWrite = "rw"
    case readOnly = "ro"
    case none

    var bits: Int32 {
        switch self {
        case .readWrite: return HMMB_PROT_READ | HMMB_PROT_WRITE
        case .readOnly: return HMMB_PROT_READ
        case .none: return HMMB_PROT_NONE
        }
    }
}

/// How a new mapping is populated before a flow uses it.
public enum Population: String, CaseIterable, Codable, Sendable {
    /// Never touched: every page is not present.
    case untouched
    /// CPU read of every page (anon pages map the zero page).
    case read
    /// CPU write of every page (anon pages get real pages).
    case write
}

/// What to map: kind, size, protection, population.
public struct MappingSpec: Equatable, Codable, Sendable {
    public var kind: MappingKind
    public var bytes: Int
    public var protection: Protection
    public var population: Population

    public init(_ kind: MappingKind = .anon, bytes: Int, protection: Protection = .readWrite,
                population: Population = .write) {
        self.kind = kind
        self.bytes = bytes
        self.protection = protection
        self.population = population
    }

    public var pages: Int { bytes / PageSize.base }

    /// Throws a usage error for a zero, unaligned or too large size.
    public func validate() throws {
        try PageSize.validate(bytes: bytes, unit: kind.granule, what: "\(kind.rawValue) mapping size")
    }
}

/// A range of the process's address space that unmaps itself when the last
/// reference goes. Backends create regions (`MirrorBackend.map`) so that
/// the simulated backend can follow what lives in them.
public final class MappedRegion {
    public let base: UnsafeMutableRawPointer
    public let bytes: Int
    public let spec: MappingSpec
    /// What was mmapped (THP regions map more and align inside it).
    private let mappedBase: UnsafeMutableRawPointer
    private let mappedBytes: Int
    private let fd: Int32
    /// Called before munmap (the simulator forgets the range's pages).
    var onUnmap: ((MappedRegion) -> Void)?
    public private(set) var protection: Protection

    public var pageCount: Int { bytes / PageSize.base }

    /// The virtual address of page `page` of the region.
    public func address(page: Int = 0) -> UInt { UInt(bitPattern: base) + UInt(page * PageSize.base) }

    /// Pointer to page `page`.
    public func pointer(page: Int) -> UnsafeMutableRawPointer { base + page * PageSize.base }

    /// Whether `address` lies inside the region.
    public func contains(address: UInt) -> Bool {
        address >= self.address() && address < self.address() + UInt(bytes)
    }

    /// Maps `spec` for real (mmap + madvise). Population is left to the
    /// caller (the backend), which has to model it.
    public init(mapping spec: MappingSpec) throws {
        try spec.validate()
        var flags: Int32
        var fd: Int32 = -1
        var length = spec.bytes
        switch spec.kind {
        case .anon, .thp:
            flags = HMMB_MAP_PRIVATE | HMMB_MAP_ANONYMOUS
            if spec.kind == .thp { length += PageSize.pmd }
        case .shared:
            flags = HMMB_MAP_SHARED | HMMB_MAP_ANONYMOUS
        case .file:
            flags = HMMB_MAP_SHARED
            fd = hmmb_memfd_create("hmmbench")
            if fd < 0 { throw HMMBenchError.system("memfd_create", errno: -fd) }
            let r = hmmb_ftruncate(fd, off_t(spec.bytes))
            if r < 0 { Glibc.close(fd); throw HMMBenchError.system("ftruncate of memfd to \(spec.bytes) bytes", errno: -r) }
        case .hugetlb:
            flags = HMMB_MAP_PRIVATE | HMMB_MAP_ANONYMOUS | HMMB_MAP_HUGETLB
        }
        var out: UnsafeMutableRawPointer?
        // Map writable first so population can write; protection is applied after.
        let r = hmmb_mmap(nil, length, HMMB_PROT_READ | HMMB_PROT_WRITE, flags, fd, 0, &out)
        if r < 0 {
            if fd >= 0 { Glibc.close(fd) }
            let hint: String? = spec.kind == .hugetlb
                ? "reserve huge pages: echo 16 > /proc/sys/vm/nr_hugepages" : nil
            throw HMMBenchError.system("mmap of \(PageSize.format(bytes: spec.bytes)) \(spec.kind.rawValue)", errno: -r, hint: hint)
        }
        mappedBase = out!
        mappedBytes = length
        self.fd = fd
        self.spec = spec
        self.bytes = spec.bytes
        self.protection = .readWrite
        if spec.kind == .thp {
            let addr = UInt(bitPattern: out!)
            let aligned = (addr + UInt(PageSize.pmd) - 1) & ~UInt(PageSize.pmd - 1)
            base = UnsafeMutableRawPointer(bitPattern: aligned)!
            _ = hmmb_madvise(base, spec.bytes, HMMB_MADV_HUGEPAGE)
        } else {
            base = out!
            if spec.kind == .anon { _ = hmmb_madvise(base, spec.bytes, HMMB_MADV_NOHUGEPAGE) }
        }
    }

    /// Changes the protection (mprotect).
    public func protect(_ p: Protection) throws {
        let r = hmmb_mprotect(base, bytes, p.bits)
        if r < 0 { throw HMMBenchError.system("mprotect \(p.rawValue)", errno: -r) }
        protection = p
    }

    deinit {
        onUnmap?(self)
        _ = hmmb_munmap(mappedBase, mappedBytes)
        if fd >= 0 { Glibc.close(fd) }
    }
}

/// A page-aligned scratch buffer for the `ptr` of read/write commands.
/// Not a mirrored region: it is only ever touched by the CPU.
public final class HostBuffer {
    public let pointer: UnsafeMutableRawPointer
    public let bytes: Int

    public init(bytes: Int) {
        self.bytes = max(bytes, 1)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: self.bytes, alignment: PageSize.base)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: self.bytes)
    }

    /// A buffer for a flow: when the memory cannot be had (ENOMEM) this is
    /// a failure with its errno, not a crash.
    public static func allocate(bytes: Int) throws -> HostBuffer {
        let n = max(bytes, 1)
        var raw: UnsafeMutableRawPointer?
        let r = posix_memalign(&raw, PageSize.base, n)
        guard r == 0, let raw else {
            throw HMMBenchError.system("allocating a \(PageSize.format(bytes: n)) buffer", errno: r == 0 ? ENOMEM : r)
        }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: n)
        return HostBuffer(adopting: raw, bytes: n)
    }

    private init(adopting pointer: UnsafeMutableRawPointer, bytes: Int) {
        self.pointer = pointer
        self.bytes = bytes
        fromMalloc = true
    }

    /// Whether `pointer` came from posix_memalign (freed with free).
    private var fromMalloc = false

    /// Fills the buffer with a pattern that changes every 8 bytes.
    public func fillPattern(seed: UInt64) {
        let words = bytes / 8
        let p = pointer.bindMemory(to: UInt64.self, capacity: words)
        for i in 0..<words { p[i] = seed &+ UInt64(i) }
    }

    deinit { if fromMalloc { free(pointer) } else { pointer.deallocate() } }
}
