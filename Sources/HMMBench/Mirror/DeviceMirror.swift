/// Which kind of ZONE_DEVICE memory a dmirror device hands out.
public enum DeviceMemoryKind: String, Codable, Sendable, CaseIterable {
    /// MEMORY_DEVICE_PRIVATE (dev0, dev1): CPU cannot map it; a CPU touch
    /// migrates the page back to system memory.
    case `private`
    /// MEMORY_DEVICE_COHERENT (dev2, dev3, 6.0+ with spm_addr_dev*): CPU
    /// can map it; pages stay put.
    case coherent
}

/// One `/dev/hmm_dmirrorN` device as found (or not) on this box.
public struct DeviceDescriptor: Codable, Equatable, Sendable {
    public var index: Int
    public var path: String
    public var memory: DeviceMemoryKind
    public var present: Bool
    /// In a run record: the simulator stood in for this device (`present`
    /// is then false: no device node was used). False in files written
    /// before the field existed.
    public var simulated: Bool

    public init(index: Int, path: String? = nil, memory: DeviceMemoryKind? = nil, present: Bool, simulated: Bool = false) {
        self.index = index
        self.path = path ?? "/dev/hmm_dmirror\(index)"
        self.memory = memory ?? (index < 2 ? .private : .coherent)
        self.present = present
        self.simulated = simulated
    }

    enum CodingKeys: String, CodingKey {
        case index, path, memory, present, simulated
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        path = try c.decode(String.self, forKey: .path)
        memory = try c.decode(DeviceMemoryKind.self, forKey: .memory)
        present = try c.decode(Bool.self, forKey: .present)
        simulated = try c.decodeIfPresent(Bool.self, forKey: .simulated) ?? false
    }

    /// Devices 0 and 1 are private, 2 and 3 coherent (test_hmm's layout).
    public static let count = 4
}

/// One opened dmirror device: issues mirror operations over a range of the
/// calling process's address space. Two implementations: `KernelMirror`
/// (the real driver) and `SimulatedMirror` (an in-process model).
public protocol DeviceMirror: AnyObject {
    var descriptor: DeviceDescriptor { get }
    /// The request table this device is driven with.
    var uapi: UAPITable { get }

    /// Resolves `op` to the request this device sends for it (a table
    /// lookup: done before the clock starts, once per flow or call).
    func request(_ op: MirrorOperation) -> MirrorRequest

    /// Issues `request` over `pages` pages from `address` (page aligned),
    /// with `buffer` as the command's `ptr` (data for read/write, one byte
    /// per page for snapshot; may be nil for the others): the call and
    /// nothing else. An operation the uapi generation lacks is not sent:
    /// the reply carries ENOTTY.
    func perform(_ request: MirrorRequest, address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?) -> MirrorReply

    /// A timed window of `requests` issued back to back like `perform`,
    /// made once and run every repetition (`MirrorCallWindow`). The real
    /// driver's is in C; the default times `perform` in Swift.
    func callWindow(_ requests: [MirrorRequest]) -> MirrorCallWindow

    /// Closes the device; the driver releases its pages. Idempotent.
    func close()
}

extension DeviceMirror {
    public func callWindow(_ requests: [MirrorRequest]) -> MirrorCallWindow {
        MirrorCallWindow(device: self, requests: requests)
    }

    /// Whether this device's uapi has `op`.
    public func supports(_ op: MirrorOperation) -> Bool { uapi.supports(op) }

    /// Resolves `op` and issues it (untimed callers: checks, set-up).
    public func perform(_ op: MirrorOperation, address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        perform(request(op), address: address, pages: pages, buffer: buffer)
    }

    /// `perform` over pages `range` of `region`.
    public func perform(_ op: MirrorOperation, _ region: MappedRegion, pages range: Range<Int>? = nil,
                        buffer: UnsafeMutableRawPointer? = nil) -> MirrorReply {
        let r = range ?? 0..<region.pageCount
        return perform(op, address: region.address(page: r.lowerBound), pages: r.count, buffer: buffer)
    }

    /// Snapshot bytes of pages `range` of `region` (or the error reply).
    public func snapshot(_ region: MappedRegion, pages range: Range<Int>? = nil) -> (MirrorReply, [UInt8]) {
        let r = range ?? 0..<region.pageCount
        var bytes = [UInt8](repeating: 0, count: r.count)
        let reply = bytes.withUnsafeMutableBytes { perform(.snapshot, region, pages: r, buffer: $0.baseAddress) }
        return (reply, bytes)
    }
}
