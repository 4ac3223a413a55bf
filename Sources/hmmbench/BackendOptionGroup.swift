import ArgumentParser
import HMMBench

/// `--backend`, `--uapi`, `--uapi-table`, `--nodes`: shared by every
/// command that runs something.
struct BackendOptionGroup: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Backend: auto, kernel or sim.", discussion: """
        auto uses the kernel driver when /dev/hmm_dmirror0 exists and the simulator \
        otherwise (said on stderr); kernel fails when the driver is absent.
        """, valueName: "auto|kernel|sim"))
    var backend: String = "auto"

    @Option(name: .long, help: ArgumentHelp("test_hmm uapi generation (default: from uname -r).", discussion: """
        Request numbers changed between generations; give this for a tree whose \
        release does not say which it has.
        """, valueName: "5.8|5.14|6.0|6.1"))
    var uapi: String?

    @Option(name: .customLong("uapi-table"), help: ArgumentHelp(
        "Explicit request table for patched trees, e.g. 'read=0,write=1,migrate-to-dev=2,migrate-to-sys=4,snapshot=5'.",
        valueName: "op=nr,..."))
    var uapiTable: String?

    @Option(name: .long, help: ArgumentHelp("Simulated NUMA node count (forces the simulated topology).", valueName: "N"))
    var nodes: Int?

    func options() throws -> BackendOptions {
        guard let choice = BackendChoice(rawValue: backend) else {
            throw HMMBenchError.usage("unknown backend '\(backend)'", hint: "one of auto, kernel, sim")
        }
        return BackendOptions(choice: choice, uapi: try uapi.map(UAPIGeneration.parse),
                              uapiTable: uapiTable, simulatedNodes: nodes)
    }
}
