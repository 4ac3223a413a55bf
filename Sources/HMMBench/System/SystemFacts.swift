import Foundation

/// Reads the facts of this box that change results or decide what can be
/// measured: THP and hugetlb settings, CPU model and governor, kernel
/// config, virtualization. Every reader takes the file's text as an
/// optional argument so tests can feed captured text.
public enum SystemFacts {
    /// Contents of a file, trimmed; nil when unreadable.
    public static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The bracketed choice of a sysfs selector: "always [madvise] never" -> "madvise".
    public static func bracketed(_ text: String?) -> String? {
        guard let t = text, let o = t.firstIndex(of: "["), let c = t.firstIndex(of: "]"), o < c else { return text }
        return String(t[t.index(after: o)..<c])
    }

    public static func thp(root: String = "/sys/kernel/mm/transparent_hugepage") -> THPFacts {
        THPFacts(enabled: bracketed(read("\(root)/enabled")), defrag: bracketed(read("\(root)/defrag")))
    }

    public static func hugetlb(meminfo: String? = nil) -> HugetlbFacts {
        HugetlbFacts(total: MemoryInfo.value("HugePages_Total", meminfo: meminfo),
                     free: MemoryInfo.value("HugePages_Free", meminfo: meminfo),
                     pageSizeBytes: MemoryInfo.value("Hugepagesize", meminfo: meminfo))
    }

    /// CPU model from /proc/cpuinfo ("model name", or "CPU part" style
    /// fields on arm64), count of online CPUs, governor of cpu0.
    public static func cpu(cpuinfo: String? = nil) -> CPUFacts {
        let text = cpuinfo ?? read("/proc/cpuinfo") ?? ""
        var model = "unknown"
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let key = kv[0].trimmingCharacters(in: .whitespaces)
            if key == "model name" || key == "Model" || key == "cpu model" {
                model = kv[1].trimmingCharacters(in: .whitespaces)
                break
            }
        }
        let count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return CPUFacts(model: model, count: count,
                        governor: read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"))
    }

    /// The config options recorded with each run.
    public static let relevantConfig = [
        "CONFIG_TEST_HMM", "CONFIG_HMM_MIRROR", "CONFIG_DEVICE_PRIVATE", "CONFIG_ZONE_DEVICE",
        "CONFIG_MIGRATION", "CONFIG_NUMA", "CONFIG_TRANSPARENT_HUGEPAGE", "CONFIG_HUGETLBFS",
        "CONFIG_DEBUG_TLBFLUSH", "CONFIG_DEBUG_VM", "CONFIG_PREEMPT", "CONFIG_PREEMPT_DYNAMIC",
        "CONFIG_PREEMPT_NONE", "CONFIG_PREEMPT_VOLUNTARY", "CONFIG_KASAN", "CONFIG_LOCKDEP",
        "CONFIG_PROVE_LOCKING", "CONFIG_HZ", "CONFIG_NUMA_BALANCING", "CONFIG_MEMCG",
        "CONFIG_ARCH_ENABLE_THP_MIGRATION", "CONFIG_PAGE_TABLE_CHECK", "CONFIG_KFENCE", "CONFIG_VM_EVENT_COUNTERS",
        // What bench/vm/config/pinned.fragment pins (the test bed builds
        // every kernel with these equal), so `compare` can show a
        // difference in any of them.
        "CONFIG_SLUB", "CONFIG_SLUB_TINY", "CONFIG_SLAB", "CONFIG_SLOB", "CONFIG_SLUB_CPU_PARTIAL",
        "CONFIG_SLAB_MERGE_DEFAULT", "CONFIG_SLUB_DEBUG", "CONFIG_SLUB_DEBUG_ON", "CONFIG_SLUB_STATS",
        "CONFIG_SLAB_FREELIST_RANDOM", "CONFIG_SLAB_FREELIST_HARDENED", "CONFIG_PREEMPT_RT",
        "CONFIG_HZ_PERIODIC", "CONFIG_NO_HZ_IDLE", "CONFIG_NO_HZ_FULL", "CONFIG_HZ_250",
        "CONFIG_TRANSPARENT_HUGEPAGE_MADVISE", "CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS", "CONFIG_READ_ONLY_THP_FOR_FS",
        "CONFIG_LRU_GEN", "CONFIG_KSM", "CONFIG_SHUFFLE_PAGE_ALLOCATOR", "CONFIG_INIT_ON_ALLOC_DEFAULT_ON",
        "CONFIG_INIT_ON_FREE_DEFAULT_ON", "CONFIG_RANDOMIZE_KSTACK_OFFSET", "CONFIG_DEBUG_KERNEL",
        "CONFIG_DEBUG_PAGEALLOC", "CONFIG_PAGE_POISONING", "CONFIG_KMSAN", "CONFIG_DEBUG_ATOMIC_SLEEP",
        "CONFIG_DEBUG_OBJECTS", "CONFIG_CC_OPTIMIZE_FOR_SIZE", "CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE",
        "CONFIG_CPU_MITIGATIONS", "CONFIG_PAGE_TABLE_ISOLATION", "CONFIG_RETPOLINE",
        "CONFIG_MITIGATION_PAGE_TABLE_ISOLATION", "CONFIG_MITIGATION_RETPOLINE",
        // Not a choice (6.4+ has it, 6.1 cannot), but it changes fault cost.
        "CONFIG_PER_VMA_LOCK",
    ]

    /// Parses a kernel .config, keeping `keys` ("# CONFIG_X is not set" -> "n").
    public static func parseConfig(_ text: String, keys: [String] = relevantConfig) -> [String: String] {
        let wanted = Set(keys)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# CONFIG_"), line.hasSuffix(" is not set") {
                let name = String(line.dropFirst(2).dropLast(11))
                if wanted.contains(name) { out[name] = "n" }
            } else if line.hasPrefix("CONFIG_"), let eq = line.firstIndex(of: "=") {
                let name = String(line[..<eq])
                if wanted.contains(name) { out[name] = String(line[line.index(after: eq)...]).replacingOccurrences(of: "\"", with: "") }
            }
        }
        return out
    }

    /// The running kernel's config and where it came from: /proc/config.gz
    /// (through `gzip -dc`), then /boot/config-RELEASE.
    public static func kernelConfig(release: String) -> (config: [String: String], source: String?) {
        if FileManager.default.fileExists(atPath: "/proc/config.gz"), let text = gunzip("/proc/config.gz") {
            return (parseConfig(text), "/proc/config.gz")
        }
        let boot = "/boot/config-\(release)"
        if let text = read(boot) { return (parseConfig(text), boot) }
        return ([:], nil)
    }

    private static func gunzip(_ path: String) -> String? {
        for tool in ["/bin/gzip", "/usr/bin/gzip"] where FileManager.default.isExecutableFile(atPath: tool) {
            if let r = try? Subprocess.run(tool, ["-dc", path]), !r.signaled, r.status == 0 {
                return String(decoding: r.stdout, as: UTF8.self)
            }
        }
        return nil
    }

    public static func kernel() -> KernelFacts {
        let (release, version) = KernelRelease.running()
        let (config, source) = kernelConfig(release: release)
        return KernelFacts(release: release, version: version, cmdline: read("/proc/cmdline") ?? "",
                           config: config, configSource: source)
    }

    /// Where this runs: HMMBENCH_VIRT (set by the test bed, which knows
    /// whether it chose TCG or KVM) wins; otherwise the cpuinfo
    /// "hypervisor" flag and the kvm clocksource tell bare metal, KVM and
    /// other hypervisors apart.
    public static func virtualization(environment: [String: String] = ProcessInfo.processInfo.environment,
                                      cpuinfo: String? = nil, clocksources: String? = nil) -> String {
        if let v = environment["HMMBENCH_VIRT"], !v.isEmpty { return v }
        let info = cpuinfo ?? read("/proc/cpuinfo") ?? ""
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        if info.isEmpty { return "unknown" }
        if !flags.split(separator: " ").contains("hypervisor") { return "bare-metal" }
        let clocks = clocksources ?? read("/sys/devices/system/clocksource/clocksource0/available_clocksource") ?? ""
        if clocks.contains("kvm-clock") { return "kvm" }
        if info.contains("QEMU TCG") { return "tcg" }
        return "vm"
    }

    /// Whether results from `virtualization` measure hardware speed.
    public static func isSoftwareEmulated(_ virtualization: String) -> Bool { virtualization == "tcg" }

    public static func hostname() -> String {
        ProcessInfo.processInfo.hostName
    }

    /// The vmstat counters flows track, by prefix or name.
    public static let trackedVmstat = ["pgmigrate_", "thp_migration_", "numa_", "nr_tlb_", "pgfault", "pgmajfault",
                                       "thp_fault_alloc", "thp_split_page", "compact_"]
}
