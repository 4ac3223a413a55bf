import CShims
import Foundation

/// What this box can measure and why: the answer of `hmmbench probe`.
public struct ProbeReport: Codable, Sendable {
    /// The backend `auto` (or the given `--backend`) picks: "kernel" or "simulated".
    public var backend: BackendKind
    public var backendReason: String
    /// The uapi generation or "custom", and how it was chosen.
    public var uapi: String
    public var uapiReason: String
    public var uapiOperations: [String]
    public var kernel: KernelFacts
    public var virtualization: String
    /// test_hmm in /proc/modules (false also when built in or unreadable).
    public var moduleLoaded: Bool
    /// The char major of HMM_DMIRROR in /proc/devices, if registered.
    public var dmirrorMajor: Int?
    /// The real /dev/hmm_dmirrorN nodes of this box.
    public var devices: [DeviceDescriptor]
    /// The simulator's devices, when the simulated backend was chosen.
    public var simulatedDevices: [DeviceDescriptor]?
    /// The simulator's behaviour generation ("6.19+") and how it was
    /// chosen, when the simulated backend was chosen.
    public var simProfile: String?
    public var simProfileReason: String?
    public var numa: NUMAProbe
    public var thp: THPFacts
    public var hugetlb: HugetlbFacts
    /// Counters flows track, present in /proc/vmstat.
    public var vmstatCounters: [String]
    /// Counters worth having but absent, with the reason.
    public var missingCounters: [String: String]
    /// Whether /proc/interrupts has the TLB shootdown row.
    public var tlbShootdownRow: Bool
    public var cpu: CPUFacts
    /// What each flow family can do here.
    public var capabilities: [String: String]

    /// The NUMA part: real nodes and which topology NUMA flows use.
    public struct NUMAProbe: Codable, Sendable {
        public var available: Bool
        public var nodes: [NUMATopology.Node]
        /// "libnuma" or "simulated".
        public var migrator: String
        public var migratorReason: String
        public var simulatedNodes: Int?

        enum CodingKeys: String, CodingKey {
            case available, nodes, migrator
            case migratorReason = "migrator_reason"
            case simulatedNodes = "simulated_nodes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case backend
        case backendReason = "backend_reason"
        case uapi
        case uapiReason = "uapi_reason"
        case uapiOperations = "uapi_operations"
        case kernel, virtualization
        case moduleLoaded = "module_loaded"
        case dmirrorMajor = "dmirror_major"
        case devices
        case simulatedDevices = "simulated_devices"
        case simProfile = "sim_profile"
        case simProfileReason = "sim_profile_reason"
        case numa, thp, hugetlb
        case vmstatCounters = "vmstat_counters"
        case missingCounters = "missing_counters"
        case tlbShootdownRow = "tlb_shootdown_row"
        case cpu, capabilities
    }

    /// Probes this box with the given options (the backend is chosen as a
    /// run would choose it; errors of an explicit `--backend kernel` surface).
    public static func probe(_ options: BackendOptions) throws -> (ProbeReport, BackendSelection) {
        let sel = try BackendSelector.select(options)
        let kernel = SystemFacts.kernel()
        let modules = SystemFacts.read("/proc/modules") ?? ""
        let loaded = modules.split(separator: "\n").contains { $0.hasPrefix("test_hmm ") }
        let major = dmirrorMajor(SystemFacts.read("/proc/devices") ?? "")
        let realNodes = hmmb_numa_available() >= 0 ? (NUMATopology.read()?.nodes ?? []) : []
        let vmstat = CounterSnapshot.parseVmstat(SystemFacts.read("/proc/vmstat") ?? "", prefixes: SystemFacts.trackedVmstat)
        let missing = missingCounters(vmstat)
        let tlbRow = CounterSnapshot.parseInterrupts(SystemFacts.read("/proc/interrupts") ?? "")["interrupts:TLB"] != nil
        let devices = sel.mirror.devices()
        let real = KernelBackend(uapi: sel.mirror.uapi, deviceDirectory: options.deviceDirectory).devices()
        let table = sel.mirror.uapi
        var caps: [String: String] = [:]
        let sim = sel.mirror.kind == .simulated ? " (simulated)" : ""
        let priv = devices.filter { $0.present && $0.memory == .private }.count
        let coh = devices.filter { $0.present && $0.memory == .coherent }.count
        caps["fault (hmm_range_fault)"] = priv > 0 ? "yes\(sim)" : "no: no dmirror device"
        caps["migrate to device"] = priv > 0 && table.supports(.migrateToDevice) ? "yes\(sim)" : "no"
        caps["migrate to system (ioctl)"] = table.supports(.migrateToSystem) ? "yes\(sim)" : "no: uapi \(table.name) lacks MIGRATE_TO_SYS (6.0+)"
        caps["device-coherent memory"] = coh > 0 ? "yes\(sim)" : "no: load test_hmm with spm_addr_dev0=/spm_addr_dev1="
        caps["cross-device"] = priv >= 2 ? "yes\(sim)" : "no: needs dev0 and dev1"
        caps["exclusive"] = table.supports(.exclusive) ? "yes\(sim)" : "no: uapi \(table.name) lacks EXCLUSIVE (5.14+)"
        caps["NUMA migration"] = sel.migrator.kind == .kernel ? "yes (\(sel.migrator.topology.nodes.count) nodes)" : "simulated (\(sel.migrator.topology.nodes.count) nodes)"
        let report = ProbeReport(
            backend: sel.mirror.kind, backendReason: sel.reason, uapi: table.name, uapiReason: sel.uapiReason,
            uapiOperations: MirrorOperation.allCases.filter { table.supports($0) }.map(\.rawValue),
            kernel: kernel, virtualization: SystemFacts.virtualization(), moduleLoaded: loaded, dmirrorMajor: major,
            devices: real, simulatedDevices: sel.mirror.kind == .simulated ? devices : nil,
            simProfile: (sel.mirror as? SimulatedBackend)?.profile.span, simProfileReason: sel.simProfileReason,
            numa: NUMAProbe(available: hmmb_numa_available() >= 0, nodes: realNodes,
                            migrator: sel.migrator.kind == .kernel ? "libnuma" : "simulated",
                            migratorReason: sel.numaReason,
                            simulatedNodes: sel.migrator.kind == .simulated ? sel.migrator.topology.nodes.count : nil),
            thp: SystemFacts.thp(), hugetlb: SystemFacts.hugetlb(), vmstatCounters: vmstat.keys.sorted(),
            missingCounters: missing, tlbShootdownRow: tlbRow, cpu: SystemFacts.cpu(), capabilities: caps)
        return (report, sel)
    }

    /// Counters flows would record but the kernel does not have, with the
    /// config option that brings them. Without CONFIG_VM_EVENT_COUNTERS
    /// (tinyconfig drops it) there are no event counters at all.
    public static func missingCounters(_ vmstat: [String: Int64]) -> [String: String] {
        var missing: [String: String] = [:]
        let events = vmstat["pgfault"] != nil
        let why = { (option: String) in events ? "needs \(option)" : "CONFIG_VM_EVENT_COUNTERS is off (no event counters at all)" }
        if !vmstat.keys.contains(where: { $0.hasPrefix("nr_tlb_") }) {
            missing["nr_tlb_*"] = (events ? "needs CONFIG_DEBUG_TLBFLUSH" : why(""))
                + "; the TLB row of /proc/interrupts is used instead"
        }
        if !vmstat.keys.contains(where: { $0.hasPrefix("pgmigrate_") }) { missing["pgmigrate_*"] = why("CONFIG_MIGRATION") }
        if !vmstat.keys.contains(where: { $0.hasPrefix("thp_migration_") }) {
            missing["thp_migration_*"] = why("CONFIG_ARCH_ENABLE_THP_MIGRATION and CONFIG_TRANSPARENT_HUGEPAGE")
        }
        return missing
    }

    /// The HMM_DMIRROR char major in /proc/devices text.
    public static func dmirrorMajor(_ devices: String) -> Int? {
        var inChar = false
        for line in devices.split(separator: "\n") {
            if line.hasPrefix("Character devices") { inChar = true; continue }
            if line.hasPrefix("Block devices") { inChar = false; continue }
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            if inChar, f.count == 2, f[1] == "HMM_DMIRROR" { return Int(f[0]) }
        }
        return nil
    }

    /// The one-screen text form.
    public func text() -> String {
        var out: [String] = []
        func row(_ k: String, _ v: String) { out.append(Format.padRight(k, 27) + " " + v) }
        out.append("hmmbench probe")
        row("backend", "\(backend.rawValue.uppercased()) (\(backendReason))")
        row("kernel", kernel.release)
        row("where", virtualization + (SystemFacts.isSoftwareEmulated(virtualization) ? " (software emulation: timings are functional evidence, not hardware speed)" : ""))
        row("uapi", "\(uapi) (\(uapiReason)): \(uapiOperations.joined(separator: " "))")
        row("test_hmm module", moduleLoaded ? "loaded" + (dmirrorMajor.map { ", char major \($0)" } ?? "") : "not loaded")
        let cfg = ["CONFIG_TEST_HMM", "CONFIG_DEVICE_PRIVATE", "CONFIG_DEBUG_TLBFLUSH"].map { "\($0.dropFirst(7))=\(kernel.config[$0] ?? "?")" }
        row("config", kernel.configSource == nil ? "not readable (no /proc/config.gz or /boot/config-*)" : cfg.joined(separator: " "))
        for d in devices {
            row("  \(d.path)", d.present ? "present, device-\(d.memory.rawValue)" : "absent (device-\(d.memory.rawValue))")
        }
        if let simProfile {
            row("sim profile", "\(simProfile) (\(simProfileReason ?? "no reason given"))")
        }
        if let sim = simulatedDevices {
            row("  simulated devices", sim.filter(\.present).map { "dmirror\($0.index) (\($0.memory.rawValue))" }.joined(separator: ", "))
        }
        if numa.nodes.isEmpty {
            row("NUMA", numa.available ? "no nodes in sysfs" : "not available")
        }
        for n in numa.nodes {
            row("  node \(n.id)", "cpus \(n.cpus.map(String.init).joined(separator: ",")), \(PageSize.format(bytes: n.memoryBytes)) (\(PageSize.format(bytes: n.freeBytes)) free)")
        }
        row("NUMA flows", "\(numa.migrator) (\(numa.migratorReason))")
        row("THP", "enabled=\(thp.enabled ?? "?") defrag=\(thp.defrag ?? "?")")
        row("hugetlb", "\(hugetlb.total) pages of \(PageSize.format(bytes: hugetlb.pageSizeBytes)), \(hugetlb.free) free")
        row("CPU", "\(cpu.model), \(cpu.count) online, governor \(cpu.governor ?? "none")")
        let shown = vmstatCounters.filter { $0.hasPrefix("pgmigrate_") || $0.hasPrefix("thp_migration_") || $0.hasPrefix("nr_tlb_") }
        row("vmstat", shown.isEmpty ? "no migration counters" : shown.joined(separator: " "))
        row("TLB shootdowns", tlbShootdownRow ? "/proc/interrupts TLB row" : "no TLB row in /proc/interrupts")
        for (k, v) in missingCounters.sorted(by: { $0.key < $1.key }) { row("  missing \(k)", v) }
        out.append("can measure:")
        for (k, v) in capabilities.sorted(by: { $0.key < $1.key }) { row("  \(k)", v) }
        return out.joined(separator: "\n")
    }
}
