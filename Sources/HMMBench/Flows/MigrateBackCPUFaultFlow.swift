/// `migrate-back-cpu-fault`: the CPU touches device-private pages, one
/// migrate_to_ram per page fault.
public struct MigrateBackCPUFaultFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-back-cpu-fault"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { [PhaseSpec("dmirror_devmem_fault")] + PhaseSpec.migrateToSystem }
    public let summary = "CPU touches device-private pages: one migrate_to_ram per fault"
    public let details = "Untimed: a fresh range is migrated to the device. Timed: a CPU write to each page."
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.mappingParameter([.anon, .thp]), MirrorFlowSupport.memoryParameter]
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { MemoryNeed.deviceMigration(params) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        if params.values["memory"] == "coherent" {
            throw FlowSkip("device-coherent pages are CPU-accessible: a CPU touch does not migrate them back")
        }
        return try Instance(context, params: params, mappings: [.anon, .thp], requires: [.migrateToDevice, .snapshot])
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        func prepare() throws {
            try freshRegion()
            try untimed(.migrateToDevice)
        }
        func measure() throws -> UInt64 {
            let r = try current()
            return Clock.measure { context.mirror.cpuWrite(r, value: 0xA5) }.ns
        }
        func check() throws -> FlowCheck {
            MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page back in system memory", MirrorFlowSupport.inSystemMemory)
        }
    }
}
