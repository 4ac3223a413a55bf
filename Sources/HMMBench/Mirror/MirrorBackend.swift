import CShims

/// Whether numbers come from the real driver or the in-process model.
public enum BackendKind: String, Codable, Sendable, CaseIterable {
    case kernel
    case simulated
}

/// A source of device mirrors and of the memory they mirror: the real
/// test_hmm driver (`KernelBackend`) or the model (`SimulatedBackend`).
/// Flows map memory, touch it from the CPU and open devices only through
/// this protocol, so the simulator sees everything the kernel would.
public protocol MirrorBackend: AnyObject {
    var kind: BackendKind { get }
    var uapi: UAPITable { get }
    /// The four dmirror devices and whether each is present.
    func devices() -> [DeviceDescriptor]
    /// Opens `/dev/hmm_dmirrorN` (or its model). Throws a clear error when
    /// absent or not permitted.
    func openDevice(_ index: Int) throws -> DeviceMirror
    /// Maps and populates memory as `spec` says.
    func map(_ spec: MappingSpec) throws -> MappedRegion
    /// Changes a region's protection.
    func protect(_ region: MappedRegion, _ protection: Protection) throws
    /// CPU reads one byte of each page in `pages` (faulting them in, and
    /// migrating device-private pages back). Returns a checksum.
    @discardableResult
    func cpuRead(_ region: MappedRegion, pages: Range<Int>) -> UInt64
    /// CPU writes `value` to one byte of each page in `pages`.
    func cpuWrite(_ region: MappedRegion, pages: Range<Int>, value: UInt8)
}

extension MirrorBackend {
    /// Descriptors of the devices that exist.
    public func presentDevices() -> [DeviceDescriptor] { devices().filter(\.present) }

    /// Whether device `index` exists.
    public func hasDevice(_ index: Int) -> Bool { devices().first { $0.index == index }?.present ?? false }

    @discardableResult
    public func cpuRead(_ region: MappedRegion) -> UInt64 { cpuRead(region, pages: 0..<region.pageCount) }

    public func cpuWrite(_ region: MappedRegion, value: UInt8) { cpuWrite(region, pages: 0..<region.pageCount, value: value) }
}
