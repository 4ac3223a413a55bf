/// `fault-read` / `fault-write`: the device reads or writes a range through
/// hmm_range_fault (READ/WRITE ioctls) on a fresh mapping each repetition,
/// so every repetition walks and faults the range (a second READ of a
/// mirrored range would not call hmm_range_fault at all).
public struct FaultFlow: FlowDefinition {
    public let write: Bool
    public init(write: Bool) { self.write = write }

    public var name: String { write ? "fault-write" : "fault-read" }
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.deviceFault }
    public var summary: String {
        write ? "device writes a range through hmm_range_fault (WRITE)" : "device reads a range through hmm_range_fault (READ)"
    }
    public var details: String {
        "Times one \(write ? "HMM_DMIRROR_WRITE" : "HMM_DMIRROR_READ") over a freshly mapped range: hmm_range_fault, "
            + "faulting pages in (populate=no) or only mirroring them (populate=yes), plus the driver's copy "
            + "\(write ? "from" : "to") the user buffer."
    }
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.mappingParameter(), MirrorFlowSupport.populateParameter,
         MirrorFlowSupport.memoryParameter]
    }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        let i = try Instance(context, params: params, requires: [write ? .write : .read, .snapshot])
        i.op = write ? .write : .read
        if write { i.buffer.fillPattern(seed: 0x68_6D_6D) }
        return i
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        var op = MirrorOperation.read
        func prepare() throws { try freshRegion() }
        func measure() throws -> UInt64 { try timed(op) }
        func check() throws -> FlowCheck {
            let bit = op == .write ? SnapshotByte.write : SnapshotByte.read
            return MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page mapped (\(SnapshotByte.describe(bit)) set)") {
                // ERROR (0xFF) has every bit set: rule it out first.
                $0 != SnapshotByte.error && ($0 & bit != 0 || (bit == SnapshotByte.read && $0 & SnapshotByte.write != 0))
            }
        }
    }
}
