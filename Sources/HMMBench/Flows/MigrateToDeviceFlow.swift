/// `migrate-to-dev`: migrate_vma_setup/pages/finalize of a freshly
/// populated range into device memory (MIGRATE_TO_DEV).
public struct MigrateToDeviceFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-to-dev"
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

/// `migrate-to-sys`: migrate device pages back to system memory with the
/// explicit ioctl (MIGRATE_TO_SYS, 6.0+).
public struct MigrateToSystemFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-to-sys"
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

/// `migrate-back-cpu-fault`: the CPU touches device-private pages, one
/// migrate_to_ram per page fault.
public struct MigrateBackCPUFaultFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-back-cpu-fault"
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

/// `migrate-roundtrip`: to the device and back in one timed window
/// (MIGRATE_TO_DEV then MIGRATE_TO_SYS; before 6.0 the way back is a CPU
/// fault per page, said in the result's notes).
public struct MigrateRoundtripFlow: FlowDefinition {
    public init() {}
    public let name = "migrate-roundtrip"
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
