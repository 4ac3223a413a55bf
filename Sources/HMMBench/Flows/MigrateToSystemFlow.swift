/// `migrate-to-sys`: migrate device pages back to system memory with the
/// explicit ioctl (MIGRATE_TO_SYS, 6.0+).
public struct MigrateToSystemFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-to-sys"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.migrateToSystem }
    public let summary = "migrate device pages back to system memory (MIGRATE_TO_SYS, 6.0+)"
    public let details = "Untimed: a fresh range is migrated to the device. Timed: HMM_DMIRROR_MIGRATE_TO_SYS of it."
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.mappingParameter([.anon, .thp]), MirrorFlowSupport.memoryParameter]
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { MemoryNeed.deviceMigration(params) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(context, params: params, mappings: [.anon, .thp], requires: [.migrateToDevice, .migrateToSystem, .snapshot])
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        func prepare() throws {
            try freshRegion()
            try untimed(.migrateToDevice)
        }
        func measure() throws -> UInt64 { try timed(.migrateToSystem) }
        func check() throws -> FlowCheck {
            MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page in system memory", MirrorFlowSupport.inSystemMemory)
        }
    }
}
