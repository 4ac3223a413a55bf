import CShims

/// One open device of the simulated driver: checks the uapi generation
/// (ENOTTY for a command the table lacks, as `KernelMirror` does) and hands
/// the request to the backend's model.
public final class SimulatedMirror: DeviceMirror {
    public let descriptor: DeviceDescriptor
    public let uapi: UAPITable
    private let backend: SimulatedBackend
    private let id: Int32
    private var closed = false

    init(descriptor: DeviceDescriptor, uapi: UAPITable, backend: SimulatedBackend, id: Int32) {
        self.descriptor = descriptor
        self.uapi = uapi
        self.backend = backend
        self.id = id
    }

    public func request(_ op: MirrorOperation) -> MirrorRequest {
        let number = uapi.request(for: op)
        // The modelled driver decodes the request number with its own
        // table, as the module would: a custom table that sends a number
        // the driver does not know gets the driver's answer (EINVAL).
        return MirrorRequest(operation: op, number: number, decoded: number.flatMap { backend.driverTable.operation(for: $0) })
    }

    public func perform(_ request: MirrorRequest, address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        guard request.number != nil else { return MirrorReply(errno: ENOTTY) }
        guard !closed else { return MirrorReply(errno: EBADF) }
        guard let decoded = request.decoded else { return MirrorReply(errno: EINVAL) }
        return backend.perform(mirror: id, device: descriptor.index, decoded, address: address, pages: pages, buffer: buffer)
    }

    public func close() {
        guard !closed else { return }
        closed = true
        backend.close(mirror: id)
    }

    deinit { close() }
}
