/// The memory one flow instance holds at its peak, declared by the flow
/// for given parameters so a plan can be checked before anything is
/// mapped (`MemoryBudget`).
public struct MemoryNeed: Equatable, Sendable {
    /// System RAM: the range, buffers, and RAM standing in for device memory.
    public var systemBytes: Int
    /// Device memory the test_hmm module must hand out.
    public var deviceBytes: Int
    /// Which device memory `deviceBytes` is.
    public var device: DeviceMemoryKind?
    /// What the bytes are, for the message ("the range and a copy buffer").
    public var what: String

    public init(systemBytes: Int, deviceBytes: Int = 0, device: DeviceMemoryKind? = nil, what: String) {
        self.systemBytes = systemBytes
        self.deviceBytes = deviceBytes
        self.device = device
        self.what = what
    }

    /// The `size` parameter in bytes; 0 when absent or unreadable (the
    /// plan's validation reports those).
    public static func size(_ params: FlowParameters) -> Int {
        params.values["size"].flatMap { try? PageSize.parse($0) } ?? 0
    }

    /// `multiple` times the size in system memory.
    public static func times(_ multiple: Int, _ params: FlowParameters, what: String) -> MemoryNeed {
        let (bytes, overflow) = size(params).multipliedReportingOverflow(by: multiple)
        return MemoryNeed(systemBytes: overflow ? Int.max : bytes, what: what)
    }
}

extension MemoryNeed {
    /// A flow that migrates its range into device memory. Device-private
    /// pages of test_hmm are backed by a system page the driver allocates
    /// for each (lib/test_hmm.c, dmirror_devmem_alloc_page), so private
    /// memory costs the range, the user buffer and that backing copy: 3x.
    /// Device-coherent pages live in the module's spm range: 2x in system
    /// memory, plus the range in device memory.
    public static func deviceMigration(_ params: FlowParameters) -> MemoryNeed {
        let bytes = size(params)
        if params.values["memory"] == DeviceMemoryKind.coherent.rawValue {
            var need = times(2, params, what: "the range and the user buffer")
            need.deviceBytes = bytes
            need.device = .coherent
            return need
        }
        var need = times(3, params, what: "the range, the user buffer and the system pages backing device-private pages")
        need.deviceBytes = bytes
        need.device = .private
        return need
    }
}
