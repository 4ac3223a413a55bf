/// Who and where one run was, as every report states it in its header:
/// the file, backend, virtualization, kernel and uapi, and whether it
/// finished.
public struct RunHeader: Codable, Equatable, Sendable {
    /// "A", "B", ... in the order the files were given.
    public var label: String
    public var file: String
    public var backend: BackendKind
    /// Results whose own backend differs from the run's (NUMA flows on a
    /// simulated topology during a kernel run), as match keys.
    public var resultsOnOtherBackend: [String]
    public var virtualization: String
    public var kernel: String
    public var uapi: String
    public var hmmbenchVersion: String
    public var cpuModel: String
    public var suite: String?
    public var startedAt: String
    public var complete: Bool
    public var incompleteReason: String?

    public init(label: String, run: LoadedRun) {
        let r = run.record, e = r.environment
        self.label = label
        file = run.name
        backend = e.backend
        resultsOnOtherBackend = r.results.filter { $0.backend != e.backend }.map(\.matchKey)
        virtualization = e.virtualization
        kernel = e.kernel.release
        uapi = e.uapi
        hmmbenchVersion = e.hmmbenchVersion
        cpuModel = e.cpu.model
        suite = r.suite
        startedAt = r.startedAt
        complete = r.complete
        incompleteReason = r.incompleteReason
    }

    enum CodingKeys: String, CodingKey {
        case label, file, backend
        case resultsOnOtherBackend = "results_on_other_backend"
        case virtualization, kernel, uapi
        case hmmbenchVersion = "hmmbench_version"
        case cpuModel = "cpu_model"
        case suite
        case startedAt = "started_at"
        case complete
        case incompleteReason = "incomplete_reason"
    }

    /// "A" ... "Z", then "R27", "R28", ...
    public static func label(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "R\(index + 1)"
    }

    /// "backend kernel, kvm, kernel 6.12.0, uapi 6.1"
    public var summary: String {
        var s = "backend \(backend.rawValue), \(virtualization), kernel \(kernel), uapi \(uapi)"
        if !complete { s += ", INCOMPLETE" }
        return s
    }

    /// The loud lines a reader must not miss about this run: simulated
    /// numbers, software emulation, an unfinished run, results measured on
    /// another backend.
    public var alerts: [String] {
        var out: [String] = []
        let who = "run \(label) (\(file))"
        if backend == .simulated {
            out.append("SIMULATED: \(who) measured the simulator, not a kernel; its numbers are not kernel numbers")
        }
        if virtualization == "tcg" {
            out.append("TCG: \(who) ran under software emulation; its numbers are functional evidence, not hardware speed")
        }
        if !complete {
            out.append("INCOMPLETE: \(who) stopped early" + (incompleteReason.map { ": \($0)" } ?? ""))
        }
        if !resultsOnOtherBackend.isEmpty {
            let other = backend == .kernel ? "simulated" : "kernel"
            out.append("NOTE: \(who) has \(resultsOnOtherBackend.count) result(s) measured on the \(other) backend: "
                       + resultsOnOtherBackend.joined(separator: "; "))
        }
        return out
    }
}

/// The counters reports single out, in display order: name in the record,
/// short name for narrow columns.
public enum NotableCounters {
    public static let all: [(name: String, short: String)] = [
        ("pgmigrate_success", "pgmigrate_success"),
        ("pgmigrate_fail", "pgmigrate_fail"),
        ("thp_migration_success", "thp_migration_success"),
        ("thp_migration_fail", "thp_migration_fail"),
        ("interrupts:TLB", "TLB shootdowns"),
        ("nr_tlb_remote_flush", "nr_tlb_remote_flush"),
    ]

    /// Mean per repetition of each notable counter `result` has.
    public static func means(_ result: FlowResult) -> [(name: String, short: String, mean: Double)] {
        all.compactMap { c in result.counters[c.name].map { (c.name, c.short, $0.mean) } }
    }
}

/// One metric of a result as compare tests it: the carried summary and
/// the samples it summarises (the tests and the ratio interval need them).
public struct MetricSample: Sendable {
    public var stats: SampleStats
    public var values: [Double]
}

extension FlowResult {
    /// Time per operation: `stats` over `samplesNs`.
    public var time: MetricSample { MetricSample(stats: stats, values: samplesNs) }
    /// GiB/s: `throughput.gibPerS` over `gibPerSSamples`.
    public var rate: MetricSample { MetricSample(stats: throughput.gibPerS, values: gibPerSSamples) }

    /// Per-sample throughput in GiB/s, computed as `Throughput` does
    /// (only pages the kernel processed count).
    public var gibPerSSamples: [Double] {
        Throughput.rates(samplesNs: samplesNs, bytesPerOp: bytesPerOp, pagesPerOp: pagesPerOp, pagesDone: pagesDone).gibPerS
    }
}
