/// `cross-device`: pages resident on one device, then read by its peer.
/// Device-private pages are forced back to system memory first (the cost
/// device-to-device proposals aim to remove); coherent pages stay and are
/// mirrored as remote.
public struct CrossDeviceFlow: FlowDefinition {
    public init() {}
    public let name = "cross-device"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.union(PhaseSpec.migrateToSystem, PhaseSpec.deviceFault) }
    public let summary = "peer device reads pages resident on another device (p2p-style access)"
    public let details = "Untimed: a fresh range is migrated to dev0 (dev2 for coherent). Timed: dev1 (dev3) READ of it."
    public var parameters: [FlowParameter] { [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.memoryParameter] }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { MemoryNeed.deviceMigration(params) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        var p = params
        p.values["mapping"] = "anon"
        return try Instance(context, params: p, mappings: [.anon], withPeer: true, requires: [.migrateToDevice, .read, .snapshot])
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        var notes: [String] {
            memory == .private ? ["device-private pages of dev0 migrate back to system memory when dev1 reads them"]
                               : ["device-coherent pages stay on dev2; dev3 mirrors them as remote"]
        }
        func prepare() throws {
            try freshRegion()
            try untimed(.migrateToDevice)
        }
        func measure() throws -> UInt64 { try timed(.read, on: peer) }
        func check() throws -> FlowCheck {
            let r = try current()
            if memory == .private {
                return MirrorFlowSupport.checkSnapshot(device, r, expect: "every page back in system memory", MirrorFlowSupport.inSystemMemory)
            }
            return MirrorFlowSupport.checkSnapshot(peer!, r, expect: "every page DEV_COHERENT_REMOTE for the peer") {
                $0 != SnapshotByte.error && ($0 & 0x70) == SnapshotByte.deviceCoherentRemote
            }
        }
    }
}
