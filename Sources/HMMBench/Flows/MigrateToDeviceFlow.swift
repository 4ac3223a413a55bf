/// `migrate-to-dev`: migrate_vma_setup/pages/finalize of a freshly
/// populated range into device memory (MIGRATE_TO_DEV).
public struct MigrateToDeviceFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-to-dev"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.migrateToDevice }
    public let summary = "migrate a range to device memory (migrate_vma_*, MIGRATE_TO_DEV)"
    public let details = "Times HMM_DMIRROR_MIGRATE_TO_DEV of a fresh, CPU-written range. " + MirrorFlowSupport.copyBackNote + "."
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.mappingParameter([.anon, .thp]), MirrorFlowSupport.memoryParameter]
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { MemoryNeed.deviceMigration(params) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(context, params: params, mappings: [.anon, .thp], requires: [.migrateToDevice, .snapshot])
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        var notes: [String] { [MirrorFlowSupport.copyBackNote] }
        func prepare() throws { try freshRegion() }
        func measure() throws -> UInt64 { try timed(.migrateToDevice) }
        func check() throws -> FlowCheck {
            MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page in \(memory.rawValue) device memory") {
                MirrorFlowSupport.onDevice($0, memory: self.memory)
            }
        }
    }
}
