/// A mirror operation resolved, once and before any clock starts, to what
/// a device sends for it: the request number of the device's uapi table
/// (nil when the table lacks the operation: `perform` answers ENOTTY
/// without a call) and, for the simulated driver, the operation its own
/// table decodes that number as. Inside the timed window only the call
/// itself remains (`DeviceMirror.perform(_:address:pages:buffer:)`).
public struct MirrorRequest: Equatable, Sendable {
    public let operation: MirrorOperation
    /// The full `_IOWR` request number; nil: the uapi has no such operation.
    public let number: UInt?
    /// What the modelled driver decodes `number` as (SimulatedMirror);
    /// nil for the real driver, or a number the model does not know.
    let decoded: MirrorOperation?

    init(operation: MirrorOperation, number: UInt?, decoded: MirrorOperation? = nil) {
        self.operation = operation
        self.number = number
        self.decoded = decoded
    }
}
