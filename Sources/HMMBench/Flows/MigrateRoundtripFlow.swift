/// `migrate-roundtrip`: to the device and back in one timed window
/// (MIGRATE_TO_DEV then MIGRATE_TO_SYS; before 6.0 the way back is a CPU
/// fault per page, said in the result's notes).
public struct MigrateRoundtripFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-roundtrip"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.union(PhaseSpec.migrateToDevice, PhaseSpec.migrateToSystem) }
    public let summary = "migrate a range to the device and back in one timed window"
    public let details = "Times MIGRATE_TO_DEV followed by MIGRATE_TO_SYS (CPU faults before 6.0) of a fresh range."
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.mappingParameter([.anon, .thp]), MirrorFlowSupport.memoryParameter]
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { MemoryNeed.deviceMigration(params) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        let viaIoctl = context.mirror.uapi.supports(.migrateToSystem)
        if !viaIoctl, params.values["memory"] == "coherent" {
            throw FlowSkip("uapi \(context.mirror.uapi.name) has no MIGRATE_TO_SYS and coherent pages do not migrate on CPU faults")
        }
        let i = try Instance(context, params: params, mappings: [.anon, .thp], requires: [.migrateToDevice, .snapshot])
        i.viaIoctl = viaIoctl
        return i
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        var viaIoctl = true
        var notes: [String] {
            [MirrorFlowSupport.copyBackNote] + (viaIoctl ? [] : ["no MIGRATE_TO_SYS in this uapi: the way back is a CPU write fault per page"])
        }
        func prepare() throws { try freshRegion() }
        func measure() throws -> UInt64 {
            if viaIoctl { return try timed([.migrateToDevice, .migrateToSystem]) }
            return try timed([.migrateToDevice]) { self.context.mirror.cpuWrite($0, value: 0x3C) }
        }
        func check() throws -> FlowCheck {
            MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page back in system memory", MirrorFlowSupport.inSystemMemory)
        }
    }
}
