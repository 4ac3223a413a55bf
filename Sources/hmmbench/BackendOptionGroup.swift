import ArgumentParser
import HMMBench

/// `--backend`, `--uapi`, `--uapi-table`, `--sim-profile`, `--nodes`:
/// shared by every command that runs something.
struct BackendOptionGroup: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Backend: auto, kernel or sim.", discussion: """
        auto uses the kernel driver when /dev/hmm_dmirror0 exists and the simulator \
        otherwise (said on stderr); kernel fails when the driver is absent.
        """, valueName: "auto|kernel|sim"))
    var backend: BackendChoice = .auto

    @Option(name: .long, help: ArgumentHelp("test_hmm uapi generation (default: from uname -r).", discussion: """
        Request numbers changed between generations: 5.8 (5.8-5.13), 5.14 (5.14-5.19), \
        6.0, 6.1 (6.1-6.18, including 6.12), 6.19 (6.19 and later: adds FLAGS). Give \
        this for a tree whose release does not say which it has (a backport, a \
        distribution kernel). hmmbench never sends a request to find out.
        """, valueName: "generation"))
    var uapi: UAPIGeneration?

    @Option(name: .customLong("uapi-table"), help: ArgumentHelp(
        "Explicit request table for patched trees, e.g. 'read=0,write=1,migrate-to-dev=2,migrate-to-sys=4,snapshot=5'.",
        discussion: """
        Every operation a patched tree can have, by name and number (decimal or 0x): \
        read, write, migrate-to-dev, migrate-to-sys, snapshot, exclusive, \
        check-exclusive, release, flags, read-unlockable (mm trees, 0x09), \
        migrate-on-fault-to-dev (the migrate-on-fault RFC, 0x03, which moves the rest \
        up: release=8). A name or number given twice, or an unknown name, is refused. \
        Not together with --uapi.
        """,
        valueName: "op=nr,..."))
    var uapiTable: String?

    @Option(name: .customLong("sim-profile"), help: ArgumentHelp(
        "Kernel generation the simulator behaves as (default: from uname -r).",
        discussion: """
        Behaviour changed between kernels without a uapi change, so the simulator \
        has a profile per generation: 6.1 (6.1-6.14, and older kernels: the model \
        checked against the real 6.1.192 module), 6.15 (6.15-6.18: EXCLUSIVE works \
        on THP, EOPNOTSUPP for shared, file and hugetlb, EFAULT for read-only, \
        PROT_NONE and unmapped), 6.19 (6.19 and later: device-private THP stays \
        huge, FLAGS, 32-page fault batches). Chosen from the release like --uapi \
        (from --uapi's generation when it is not the release's); give it for a \
        backported or patched kernel. Only for --backend sim (or auto without the \
        driver); probe and the run record say which profile ran.
        """, valueName: "6.1|6.15|6.19"))
    var simProfile: SimulatorProfile?

    @Option(name: .long, help: ArgumentHelp("Simulated NUMA node count (forces the simulated topology).", valueName: "N"))
    var nodes: Int?

    func options() throws -> BackendOptions {
        BackendOptions(choice: backend, uapi: uapi, uapiTable: uapiTable, simulatedNodes: nodes, simProfile: simProfile)
    }
}
