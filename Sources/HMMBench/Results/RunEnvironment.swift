/// Where a run happened: everything that changes results, captured once per
/// run, so that a number is never separated from its context.
public struct RunEnvironment: Codable, Equatable, Sendable {
    /// "kernel" or "simulated". Simulated numbers are never kernel numbers.
    public var backend: BackendKind
    /// The uapi generation (or "custom") the devices were driven with.
    public var uapi: String
    /// "bare-metal", "kvm", "tcg" (software emulation: functional evidence
    /// only), "vm" (some hypervisor), or "unknown".
    public var virtualization: String
    public var kernel: KernelFacts
    public var cpu: CPUFacts
    public var thp: THPFacts
    public var hugetlb: HugetlbFacts
    public var numa: NUMATopology
    public var devices: [DeviceDescriptor]
    public var hmmbenchVersion: String
    public var commandLine: [String]
    public var hostname: String
    /// CPU the measuring thread was pinned to, if any.
    public var pinnedCPU: Int?
    /// Why that CPU (`--cpu N`, or the default rule); nil in older files.
    public var pinnedCPUReason: String?
    /// NUMA node memory was bound to (`--membind`), if any.
    public var memoryNode: Int?
    /// The simulator's behaviour generation ("6.1-6.14", "6.15-6.18",
    /// "6.19+"); nil on the kernel backend and in older records.
    public var simProfile: String?

    public init(backend: BackendKind, uapi: String, virtualization: String, kernel: KernelFacts, cpu: CPUFacts,
                thp: THPFacts, hugetlb: HugetlbFacts, numa: NUMATopology, devices: [DeviceDescriptor],
                hmmbenchVersion: String, commandLine: [String], hostname: String, pinnedCPU: Int? = nil,
                simProfile: String? = nil) {
        self.backend = backend
        self.uapi = uapi
        self.virtualization = virtualization
        self.kernel = kernel
        self.cpu = cpu
        self.thp = thp
        self.hugetlb = hugetlb
        self.numa = numa
        self.devices = devices
        self.hmmbenchVersion = hmmbenchVersion
        self.commandLine = commandLine
        self.hostname = hostname
        self.pinnedCPU = pinnedCPU
        self.simProfile = simProfile
    }

    enum CodingKeys: String, CodingKey {
        case backend, uapi, virtualization, kernel, cpu, thp, hugetlb, numa, devices
        case hmmbenchVersion = "hmmbench_version"
        case commandLine = "command_line"
        case hostname
        case pinnedCPU = "pinned_cpu"
        case pinnedCPUReason = "pinned_cpu_reason"
        case memoryNode = "memory_node"
        case simProfile = "sim_profile"
    }
}

/// The running kernel.
public struct KernelFacts: Codable, Equatable, Sendable {
    public var release: String
    public var version: String
    public var cmdline: String
    /// CONFIG_ options that matter here (from /proc/config.gz or
    /// /boot/config-RELEASE), e.g. "CONFIG_TEST_HMM": "m"; empty when no
    /// config could be read.
    public var config: [String: String]
    /// Where `config` came from, or nil.
    public var configSource: String?

    public init(release: String, version: String, cmdline: String, config: [String: String], configSource: String?) {
        self.release = release
        self.version = version
        self.cmdline = cmdline
        self.config = config
        self.configSource = configSource
    }

    enum CodingKeys: String, CodingKey {
        case release, version, cmdline, config
        case configSource = "config_source"
    }
}

/// The CPU that did the work.
public struct CPUFacts: Codable, Equatable, Sendable {
    public var model: String
    public var count: Int
    /// cpufreq scaling governor of cpu0, or nil when there is no cpufreq.
    public var governor: String?

    public init(model: String, count: Int, governor: String?) {
        self.model = model
        self.count = count
        self.governor = governor
    }
}

/// Transparent huge page settings (the bracketed choice).
public struct THPFacts: Codable, Equatable, Sendable {
    public var enabled: String?
    public var defrag: String?

    public init(enabled: String?, defrag: String?) {
        self.enabled = enabled
        self.defrag = defrag
    }
}

/// hugetlb pool of the default size.
public struct HugetlbFacts: Codable, Equatable, Sendable {
    public var total: Int
    public var free: Int
    public var pageSizeBytes: Int

    public init(total: Int, free: Int, pageSizeBytes: Int) {
        self.total = total
        self.free = free
        self.pageSizeBytes = pageSizeBytes
    }

    enum CodingKeys: String, CodingKey {
        case total, free
        case pageSizeBytes = "page_size_bytes"
    }
}
