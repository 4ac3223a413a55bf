import CShims
import Foundation

/// What the user asked for with `--backend`.
public enum BackendChoice: String, CaseIterable, Codable, Sendable {
    /// The kernel when a dmirror device exists, else the simulator (said on stderr).
    case auto
    /// The real driver; an error when it is absent.
    case kernel
    /// The in-process model.
    case sim
}

/// The options that decide which backend and uapi table a command uses.
public struct BackendOptions: Sendable {
    public var choice: BackendChoice
    /// `--uapi`: overrides the generation chosen from the release.
    public var uapi: UAPIGeneration?
    /// `--uapi-table`: an explicit op=nr table for patched trees.
    public var uapiTable: String?
    /// `--nodes`: simulated NUMA node count (forces the simulated topology).
    public var simulatedNodes: Int?
    /// Where device nodes live (tests).
    public var deviceDirectory: String
    /// Kernel release to choose the uapi and simulator profile from
    /// (tests); nil: uname -r.
    public var release: String?
    /// `--sim-profile`: the simulated driver's behaviour generation.
    public var simProfile: SimulatorProfile?

    public init(choice: BackendChoice = .auto, uapi: UAPIGeneration? = nil, uapiTable: String? = nil,
                simulatedNodes: Int? = nil, deviceDirectory: String = "/dev", release: String? = nil,
                simProfile: SimulatorProfile? = nil) {
        self.choice = choice
        self.uapi = uapi
        self.uapiTable = uapiTable
        self.simulatedNodes = simulatedNodes
        self.deviceDirectory = deviceDirectory
        self.release = release
        self.simProfile = simProfile
    }
}

/// The backends a command runs on, and the reasons they were chosen.
public struct BackendSelection {
    public var mirror: MirrorBackend
    public var migrator: NodeMigrator
    /// How the uapi table was chosen ("from release 6.1.0-27-amd64").
    public var uapiReason: String
    /// Why this mirror backend ("auto: /dev/hmm_dmirror0 exists").
    public var reason: String
    /// Why this NUMA backend.
    public var numaReason: String
    /// Lines to print on stderr before running (the simulator announces itself).
    public var notices: [String]
    /// How the simulator's profile was chosen (nil on the kernel backend).
    public var simProfileReason: String? = nil
}

/// Chooses the backends from the options and what is on this box.
public enum BackendSelector {
    /// The uapi table: explicit table, then `--uapi`, then the release.
    /// Nil generation for a release before 5.8 gives the newest table for
    /// the simulator and an error for the kernel.
    public static func uapiTable(_ o: BackendOptions, forKernel: Bool) throws -> (UAPITable, String) {
        if o.uapiTable != nil, let g = o.uapi {
            throw HMMBenchError.usage("give --uapi \(g.rawValue) or --uapi-table, not both",
                                      hint: "--uapi names a known generation; --uapi-table gives every number")
        }
        if let t = o.uapiTable { return (try UAPITable.parse(t), "explicit --uapi-table") }
        if let g = o.uapi { return (g.table, "--uapi \(g.rawValue) (given)") }
        let release = o.release ?? KernelRelease.running().release
        if let g = UAPIGeneration.forRelease(release) {
            return (g.table, "uname -r \(release) is in \(g.span); a backported or patched driver may differ: "
                    + "override with --uapi GEN or --uapi-table OP=NR,...")
        }
        if forKernel {
            throw HMMBenchError(.environment, "kernel \(release) predates test_hmm (5.8)",
                                hint: "give --uapi GEN if the tree has a backported driver")
        }
        return (UAPIGeneration.v6_1.table, "release \(release) unknown; simulating \(UAPIGeneration.v6_1.span)")
    }

    /// The simulator's behaviour profile: `--sim-profile`, else the one of
    /// the release; when `--uapi` names another generation than the
    /// release's, the profile of that generation's first release.
    public static func simulatorProfile(_ o: BackendOptions, uapi: UAPITable) -> (SimulatorProfile, String) {
        if let p = o.simProfile { return (p, "--sim-profile \(p.name) (given)") }
        let release = o.release ?? KernelRelease.running().release
        let names = SimulatorProfile.all.map(\.name).joined(separator: "|")
        let override = "override with --sim-profile \(names)"
        if let g = o.uapi, UAPIGeneration.forRelease(release) != g {
            let p = SimulatorProfile.forGeneration(g)
            return (p, "--uapi \(g.span) is not uname -r \(release)'s generation: \(p.span) behaviour; \(override)")
        }
        if let p = SimulatorProfile.forRelease(release) {
            return (p, "uname -r \(release) is in \(p.span); a backported or patched kernel may behave otherwise: \(override)")
        }
        let p = uapi.generation.map(SimulatorProfile.forGeneration) ?? .v6_1
        return (p, "release \(release) unknown: \(p.span) behaviour; \(override)")
    }

    public static func select(_ o: BackendOptions) throws -> BackendSelection {
        if let n = o.simulatedNodes, !(1...64).contains(n) {
            throw HMMBenchError.usage("--nodes \(n) is out of range", hint: "give 1 to 64 simulated nodes")
        }
        let dev0 = "\(o.deviceDirectory)/hmm_dmirror0"
        let haveDevice = FileManager.default.fileExists(atPath: dev0)
        var notices: [String] = []
        let mirror: MirrorBackend
        let reason: String
        var uapiReason: String
        var simProfileReason: String?
        switch o.choice {
        case .kernel:
            if let p = o.simProfile {
                throw HMMBenchError.usage("--sim-profile \(p.name) only applies to the simulator",
                                          hint: "drop it, or use --backend sim")
            }
            let (table, why) = try uapiTable(o, forKernel: true)
            uapiReason = why
            try checkOpen(dev0, index: 0)
            mirror = KernelBackend(uapi: table, deviceDirectory: o.deviceDirectory)
            reason = "--backend kernel"
        case .auto where haveDevice:
            let (table, why) = try uapiTable(o, forKernel: true)
            uapiReason = why
            try checkOpen(dev0, index: 0)
            mirror = KernelBackend(uapi: table, deviceDirectory: o.deviceDirectory)
            reason = "auto: \(dev0) exists"
            if let p = o.simProfile {
                notices.append("hmmbench: --sim-profile \(p.name) ignored: \(dev0) exists, running on the kernel.")
            }
        case .auto, .sim:
            let (table, why) = try uapiTable(o, forKernel: false)
            uapiReason = why
            let (profile, profileWhy) = simulatorProfile(o, uapi: table)
            simProfileReason = profileWhy
            mirror = SimulatedBackend(uapi: table, profile: profile)
            if o.choice == .auto {
                reason = "auto: no \(dev0)"
                notices.append("hmmbench: no \(dev0): running on the SIMULATED backend (\(profile.span) behaviour); its numbers are not kernel numbers."
                    + " For the real driver: modprobe test_hmm (CONFIG_TEST_HMM=m), or bench/vm/run.")
            } else {
                reason = "--backend sim"
                notices.append("hmmbench: SIMULATED backend (\(profile.span) behaviour): numbers model the driver, they do not measure a kernel.")
            }
        }
        let (migrator, numaReason, numaNotice) = selectMigrator(o, mirrorKind: mirror.kind)
        if let numaNotice { notices.append(numaNotice) }
        return BackendSelection(mirror: mirror, migrator: migrator, uapiReason: uapiReason, reason: reason,
                                numaReason: numaReason, notices: notices, simProfileReason: simProfileReason)
    }

    /// Real nodes through libnuma when the box has two or more and the
    /// mirror is real; the simulated topology otherwise.
    static func selectMigrator(_ o: BackendOptions, mirrorKind: BackendKind) -> (NodeMigrator, String, String?) {
        if let n = o.simulatedNodes {
            return (SimulatedMigrator(nodes: n), "--nodes \(n): simulated topology", nil)
        }
        let real = hmmb_numa_available() >= 0 ? NUMATopology.read() : nil
        if mirrorKind == .simulated {
            return (SimulatedMigrator(nodes: 2), "simulated backend: simulated 2-node topology", nil)
        }
        if let real, real.nodes.count >= 2 {
            return (LibnumaMigrator(topology: real), "libnuma: \(real.nodes.count) nodes", nil)
        }
        let have = real?.nodes.count ?? 0
        return (SimulatedMigrator(nodes: 2), "this box has \(have) NUMA node\(have == 1 ? "" : "s"): simulated 2-node topology",
                "hmmbench: this box has \(have) NUMA node\(have == 1 ? "" : "s"): NUMA flows run on a SIMULATED 2-node topology (bench/vm boots a 2-node guest).")
    }

    /// Turns absence, permission and a stale node into clear errors before
    /// a run starts, without opening the device: an open registers an mmu
    /// interval notifier on this process's mm (lib/test_hmm.c,
    /// dmirror_fops_open), and the mm keeps its notifier subscriptions
    /// until it exits (mm/mmu_notifier.c, mmu_interval_notifier_insert),
    /// so every page a NUMA flow moved later would pass the notifier hooks.
    /// A node whose major is not test_hmm's in /proc/devices reads as an
    /// open would fail (ENXIO); an open catches anything else.
    static func checkOpen(_ path: String, index: Int, procDevices: String? = SystemFacts.read("/proc/devices")) throws {
        var major = -1
        let r = hmmb_check_node(path, &major)
        if r < 0 { throw KernelBackend.openError(path: path, index: index, errno: -r) }
        if major >= 0, let text = procDevices, dmirrorMajor(text) != major {
            throw KernelBackend.openError(path: path, index: index, errno: ENXIO)
        }
    }

    /// The major number /proc/devices lists for HMM_DMIRROR; nil if none.
    static func dmirrorMajor(_ procDevices: String) -> Int? {
        for line in procDevices.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            if f.count == 2, f[1] == "HMM_DMIRROR" { return Int(f[0]) }
        }
        return nil
    }
}
