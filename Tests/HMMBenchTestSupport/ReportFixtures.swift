import Foundation
import HMMBench

/// Builds run records in code for the report, compare, plot and reader
/// tests: deterministic samples around a chosen mean and spread.
public enum ReportFixtures {
    /// Zero-mean offsets, pattern repeated: sample i is
    /// mean * (1 + spread * offsets[i % count]).
    public static let offsets: [Double] = [-1, 0.5, -0.25, 1, -0.5, 0.25, -0.75, 0.75]

    public static func environment(backend: BackendKind = .kernel, virtualization: String = "kvm",
                            kernel: String = "6.12.0", cpu: String = "AMD EPYC 7763 64-Core Processor",
                            thp: String = "always", governor: String? = "performance", uapi: String = "6.1",
                            nodes: Int = 2, version: String = "0.1.0") -> RunEnvironment {
        RunEnvironment(
            backend: backend, uapi: uapi, virtualization: virtualization,
            kernel: KernelFacts(release: kernel, version: "#1 SMP PREEMPT_DYNAMIC", cmdline: "console=ttyS0",
                                config: ["CONFIG_TEST_HMM": "m"], configSource: "/proc/config.gz"),
            cpu: CPUFacts(model: cpu, count: 4, governor: governor),
            thp: THPFacts(enabled: thp, defrag: "madvise"),
            hugetlb: HugetlbFacts(total: 0, free: 0, pageSizeBytes: 2 << 20),
            numa: NUMATopology(nodes: (0..<nodes).map { .init(id: $0, cpus: [$0], memoryBytes: 1 << 30, freeBytes: 1 << 29) },
                               simulated: backend == .simulated),
            devices: (0..<4).map { DeviceDescriptor(index: $0, present: backend == .kernel) },
            hmmbenchVersion: version, commandLine: ["hmmbench", "run"], hostname: "testbox")
    }

    public static func samples(mean: Double, spread: Double, n: Int) -> [Double] {
        (0..<n).map { (mean * (1 + spread * offsets[$0 % offsets.count])).rounded() }
    }

    public static func result(_ flow: String = "migrate-to-dev", size: String = "2M", extra: [String: String] = ["mapping": "anon"],
                       meanNs: Double, spread: Double = 0.01, n: Int = 16, backend: BackendKind = .kernel,
                       checkPassed: Bool = true, counters: Bool = true) -> FlowResult {
        let bytes = (try? PageSize.parse(size)) ?? 4096
        var params = extra
        params["size"] = size
        var c: [String: CounterSummary] = [:]
        if counters {
            let pages = Int64(bytes / 4096)
            c["pgmigrate_success"] = CounterSummary(source: "vmstat", perRepetition: Array(repeating: pages, count: n))
            c["thp_migration_success"] = CounterSummary(source: "vmstat", perRepetition: Array(repeating: 1, count: n))
            c["interrupts:TLB"] = CounterSummary(source: "interrupts", perRepetition: (0..<n).map { Int64($0 % 3) })
            c["nr_free_pages"] = CounterSummary(source: "vmstat", perRepetition: Array(repeating: 0, count: n))
        }
        return FlowResult(flow: flow, params: params, backend: backend, deviceMemory: .private,
                          bytesPerOp: bytes, pagesPerOp: bytes / 4096, warmup: 2,
                          samplesNs: samples(mean: meanNs, spread: spread, n: n), counters: c,
                          check: FlowCheck(passed: checkPassed, detail: checkPassed ? "all pages on device 0" : "12 pages still in system memory"),
                          copyBandwidthRatio: 0.41)
    }

    public static func record(_ results: [FlowResult], environment: RunEnvironment = environment(),
                       complete: Bool = true, skipped: [SkippedFlow] = []) -> RunRecord {
        var r = RunRecord(suite: "quick", startedAt: "2025-06-01T12:00:00Z", environment: environment)
        r.finishedAt = "2025-06-01T12:05:00Z"
        r.results = results
        r.complete = complete
        if !complete { r.incompleteReason = "interrupted by SIGINT after 3 of 12 flows" }
        r.skipped = skipped
        return r
    }

    /// A sweep of sizes for one flow: time grows with size, throughput
    /// rises towards a plateau.
    public static func sweep(_ flow: String = "migrate-to-dev", scale: Double = 1, backend: BackendKind = .kernel) -> [FlowResult] {
        ["4K", "64K", "2M", "16M"].map { size in
            let bytes = Double((try? PageSize.parse(size)) ?? 4096)
            let gibps = 6.0 * bytes / (bytes + 256 * 1024) * scale + 0.2
            return result(flow, size: size, meanNs: bytes / (gibps * 1_073_741_824) * 1e9, spread: 0.03, backend: backend)
        }
    }

    /// A fresh directory under the system temporary directory.
    public static func tempDir() -> String { TestFiles.temporaryDirectory("hmmbench-rep") }

    /// Writes `record` as JSON into `dir/name` and returns the path.
    @discardableResult
    public static func write(_ record: RunRecord, _ name: String, in dir: String) -> String {
        let path = dir + "/" + name
        try! AtomicWriter.writeJSON(record, to: path)
        return path
    }

    public static func write(text: String, _ name: String, in dir: String) -> String {
        let path = dir + "/" + name
        try! AtomicWriter.write(text, to: path)
        return path
    }

    public static func loaded(_ record: RunRecord, _ name: String) -> LoadedRun {
        LoadedRun(path: name, record: record)
    }

    /// Every line of `s` that is wider than the text limit.
    public static func overlong(_ s: String) -> [String] {
        s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { $0.count > 72 }
    }
}
