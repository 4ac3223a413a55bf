/// What `compare` is asked to do beyond the files.
public struct CompareOptions: Sendable {
    /// Welch p below this marks a change significant.
    public var alpha: Double = 0.05
    /// A result whose coefficient of variation exceeds this in any run is
    /// NOISY and never called a change.
    public var noiseCV: Double = 0.10
    /// Compare simulated with kernel runs anyway (with a banner).
    public var allowMixed: Bool = false
    /// Fail (exit 1) when a significant, not noisy regression exceeds this
    /// many percent on any metric.
    public var failOnRegressionPct: Double?

    public init(alpha: Double = 0.05, noiseCV: Double = 0.10, allowMixed: Bool = false, failOnRegressionPct: Double? = nil) {
        self.alpha = alpha
        self.noiseCV = noiseCV
        self.allowMixed = allowMixed
        self.failOnRegressionPct = failOnRegressionPct
    }

    /// Throws a usage error for values that make no sense.
    public func validate() throws {
        guard alpha > 0, alpha < 1 else { throw HMMBenchError.usage("--alpha must be between 0 and 1 (got \(alpha))") }
        guard noiseCV >= 0, noiseCV.isFinite else { throw HMMBenchError.usage("--noise-cv must be 0 or more (got \(noiseCV))") }
        if let p = failOnRegressionPct, !(p >= 0 && p.isFinite) {
            throw HMMBenchError.usage("--fail-on-regression must be a percentage of 0 or more (got \(p))")
        }
    }
}

/// Two or more runs compared with the first: per matched result and
/// metric, each run's summary, % change and Welch p-value; the
/// environment differences and unmatched results around them.
public struct Comparison: Codable, Equatable, Sendable {
    public var runs: [RunHeader]
    public var alpha: Double
    public var noiseCV: Double
    /// True when simulated and kernel numbers are compared (--allow-mixed).
    public var mixedBackends: Bool
    /// Loud lines every format prints first (mixed backends, simulated,
    /// TCG, incomplete runs).
    public var banners: [String]
    /// One line per environment aspect that differs between runs.
    public var environmentDifferences: [String]
    public var results: [ComparedResult]
    /// Results that could not be matched, per file; never dropped silently.
    public var unmatched: [UnmatchedResult]
    /// The --fail-on-regression verdict, when asked for.
    public var gate: RegressionGate?

    /// The banner `--allow-mixed` prints.
    public static let mixedBanner = "MIXED BACKENDS: simulated numbers are not kernel numbers"

    enum CodingKeys: String, CodingKey {
        case runs, alpha
        case noiseCV = "noise_cv"
        case mixedBackends = "mixed_backends"
        case banners
        case environmentDifferences = "environment_differences"
        case results, unmatched, gate
    }
}

/// One result (flow + params) present in the baseline and at least one
/// other run.
public struct ComparedResult: Codable, Equatable, Sendable {
    public var key: String
    public var flow: String
    public var params: [String: String]
    /// Some run's CV (time or throughput) exceeds the noise threshold.
    public var noisy: Bool
    /// Some run measured this result on the simulated backend (e.g. NUMA
    /// flows of a kernel run on a one-node box). In a comparison of kernel
    /// runs such a result is marked and never trips the regression gate.
    public var simulated: Bool
    /// The largest CV seen in any run and metric.
    public var maxCV: Double
    /// Labels of runs whose check of this result failed.
    public var checkFailed: [String]
    /// Labels of runs lacking this result.
    public var missingIn: [String]
    /// "time" then "throughput".
    public var metrics: [ComparedMetric]

    enum CodingKeys: String, CodingKey {
        case key, flow, params, noisy, simulated
        case maxCV = "max_cv"
        case checkFailed = "check_failed"
        case missingIn = "missing_in"
        case metrics
    }
}

/// One metric of a compared result across runs.
public struct ComparedMetric: Codable, Equatable, Sendable {
    /// "time" (per operation) or "throughput".
    public var name: String
    /// "ns" or "GiB/s".
    public var unit: String
    public var lowerIsBetter: Bool
    /// One cell per run that has the result, baseline first.
    public var cells: [MetricCell]

    enum CodingKeys: String, CodingKey {
        case name, unit
        case lowerIsBetter = "lower_is_better"
        case cells
    }
}

/// One run's numbers for one metric, against the baseline.
public struct MetricCell: Codable, Equatable, Sendable {
    public var run: String
    public var n: Int
    public var mean: Double
    public var median: Double
    public var stddev: Double
    public var cv: Double
    /// (mean - baseline mean) / baseline mean * 100; nil for the baseline
    /// or when the baseline mean is 0.
    public var changePct: Double?
    /// Welch two-sided p against the baseline; nil for the baseline and
    /// when either run has fewer than 2 samples.
    public var p: Double?
    /// p < alpha and the result is not noisy.
    public var significant: Bool
    /// "baseline", "better", "worse", "no change" (not significant),
    /// "noisy" or "untestable" (fewer than 2 samples).
    public var verdict: String

    enum CodingKeys: String, CodingKey {
        case run, n, mean, median, stddev, cv
        case changePct = "change_pct"
        case p, significant, verdict
    }
}

/// A result only some files have.
public struct UnmatchedResult: Codable, Equatable, Sendable {
    public var run: String
    public var file: String
    public var key: String
    /// "not in baseline", "only in baseline", "duplicate in file".
    public var reason: String
}

/// The regression gate's verdict.
public struct RegressionGate: Codable, Equatable, Sendable {
    public var thresholdPct: Double
    public var regressions: [GateHit]
    public var failed: Bool { !regressions.isEmpty }

    /// A significant, not noisy change for the worse beyond the threshold.
    public struct GateHit: Codable, Equatable, Sendable {
        public var key: String
        public var metric: String
        public var run: String
        public var changePct: Double
        public var p: Double

        enum CodingKeys: String, CodingKey {
            case key, metric, run
            case changePct = "change_pct"
            case p
        }
    }

    enum CodingKeys: String, CodingKey {
        case thresholdPct = "threshold_pct"
        case regressions, failed
    }

    public init(thresholdPct: Double, regressions: [GateHit]) {
        self.thresholdPct = thresholdPct
        self.regressions = regressions
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        thresholdPct = try c.decode(Double.self, forKey: .thresholdPct)
        regressions = try c.decode([GateHit].self, forKey: .regressions)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(thresholdPct, forKey: .thresholdPct)
        try c.encode(regressions, forKey: .regressions)
        try c.encode(failed, forKey: .failed)
    }
}

extension Comparison {
    /// Compares `runs[1...]` with `runs[0]`. Throws a `.data` error for
    /// fewer than two runs, for simulated against kernel numbers without
    /// `allowMixed`, and when no result of the baseline appears elsewhere.
    public static func build(_ runs: [LoadedRun], options: CompareOptions) throws -> Comparison {
        try options.validate()
        guard runs.count >= 2 else {
            let got = runs.map(\.path).joined(separator: ", ")
            throw HMMBenchError(.data, "compare needs at least two result files (got \(runs.count)\(got.isEmpty ? "" : ": " + got))",
                                hint: "to look at one run, use 'hmmbench report \(runs.first?.path ?? "RUN.json")'")
        }
        let headers = runs.enumerated().map { RunHeader(label: RunHeader.label($0.offset), run: $0.element) }

        // Index each file's results by match key; first occurrence wins.
        var unmatched: [UnmatchedResult] = []
        var indexed: [[String: FlowResult]] = []
        for (i, run) in runs.enumerated() {
            var byKey: [String: FlowResult] = [:]
            for r in run.record.results {
                if byKey[r.matchKey] == nil {
                    byKey[r.matchKey] = r
                } else {
                    unmatched.append(UnmatchedResult(run: headers[i].label, file: run.name, key: r.matchKey,
                                                     reason: "duplicate in file (first one used)"))
                }
            }
            indexed.append(byKey)
        }

        // Baseline order, then keys only other files have.
        var seen = Set<String>()
        let baseKeys = runs[0].record.results.map(\.matchKey).filter { seen.insert($0).inserted }
        var matchedKeys: [String] = []
        for key in baseKeys {
            if indexed.dropFirst().contains(where: { $0[key] != nil }) {
                matchedKeys.append(key)
            } else {
                unmatched.append(UnmatchedResult(run: headers[0].label, file: runs[0].name, key: key, reason: "only in baseline"))
            }
        }
        for i in 1..<runs.count {
            var seenHere = Set<String>()
            for r in runs[i].record.results where indexed[0][r.matchKey] == nil && seenHere.insert(r.matchKey).inserted {
                unmatched.append(UnmatchedResult(run: headers[i].label, file: runs[i].name, key: r.matchKey, reason: "not in baseline"))
            }
        }
        guard !matchedKeys.isEmpty else {
            let counts = runs.map { "\($0.name) has \($0.record.results.count)" }.joined(separator: ", ")
            throw HMMBenchError(.data, "\(runs[0].path): no results in common with \(runs.dropFirst().map(\.path).joined(separator: ", ")) (\(counts); results match on flow + params)")
        }

        // Simulated against kernel numbers: refuse unless asked.
        var backendsOf: [String: Set<BackendKind>] = [:]
        for key in matchedKeys {
            backendsOf[key] = Set(indexed.compactMap { $0[key]?.backend })
        }
        let runBackends = Set(headers.map(\.backend))
        let mixed = runBackends.count > 1 || backendsOf.values.contains { $0.count > 1 }
        if mixed && !options.allowMixed {
            let who = headers.map { "\($0.file) is \($0.backend.rawValue)" }.joined(separator: ", ")
            let detail = runBackends.count > 1 ? who
                : "results " + matchedKeys.filter { backendsOf[$0]!.count > 1 }.prefix(3).joined(separator: "; ") + " were measured on different backends"
            throw HMMBenchError(.data, "refusing to compare simulated with kernel numbers: \(detail)",
                                hint: "pass --allow-mixed to compare anyway")
        }

        var banners: [String] = []
        if mixed { banners.append(mixedBanner) }
        banners += headers.flatMap(\.alerts)

        var results: [ComparedResult] = []
        var hits: [RegressionGate.GateHit] = []
        for key in matchedKeys {
            let present = indexed.enumerated().compactMap { i, byKey in byKey[key].map { (i, $0) } }
            let base = present[0].1
            let time = present.map { ($0.0, $0.1.timeSamples) }
            let rate = present.map { ($0.0, $0.1.gibPerSSamples) }
            let tSum = time.map { Statistics.summarize($0.1) }
            let rSum = rate.map { Statistics.summarize($0.1) }
            let maxCV = (tSum + rSum).map { abs($0.cv) }.max() ?? 0
            let noisy = maxCV > options.noiseCV
            let simulated = present.contains { $0.1.backend == .simulated }
            let gated = !(simulated && runBackends.contains(.kernel))
            var metrics: [ComparedMetric] = []
            for (name, unit, lowerBetter, data, sums) in [("time", "ns", true, time, tSum), ("throughput", "GiB/s", false, rate, rSum)] {
                var cells: [MetricCell] = []
                for (j, (runIndex, xs)) in data.enumerated() {
                    let s = sums[j]
                    var cell = MetricCell(run: headers[runIndex].label, n: s.n, mean: s.mean, median: s.median,
                                          stddev: s.stddev, cv: s.cv, changePct: nil, p: nil, significant: false,
                                          verdict: "baseline")
                    if j > 0 {
                        let b = sums[0]
                        cell.changePct = b.mean == 0 ? nil : (s.mean - b.mean) / b.mean * 100
                        let w = Statistics.welch(data[0].1, xs)
                        cell.p = w?.p
                        let worse = lowerBetter ? s.mean > b.mean : s.mean < b.mean
                        if w == nil {
                            cell.verdict = "untestable"
                        } else if noisy {
                            cell.verdict = "noisy"
                        } else if let p = w?.p, p < options.alpha, s.mean != b.mean {
                            cell.significant = true
                            cell.verdict = worse ? "worse" : "better"
                            if let limit = options.failOnRegressionPct, gated, worse, let c = cell.changePct, abs(c) > limit {
                                hits.append(.init(key: key, metric: name, run: cell.run, changePct: c, p: p))
                            }
                        } else {
                            cell.verdict = "no change"
                        }
                    }
                    cells.append(cell)
                }
                metrics.append(ComparedMetric(name: name, unit: unit, lowerIsBetter: lowerBetter, cells: cells))
            }
            results.append(ComparedResult(
                key: key, flow: base.flow, params: base.params, noisy: noisy, simulated: simulated, maxCV: maxCV,
                checkFailed: present.filter { !$0.1.check.passed }.map { headers[$0.0].label },
                missingIn: indexed.indices.filter { indexed[$0][key] == nil }.map { headers[$0].label },
                metrics: metrics))
        }

        return Comparison(runs: headers, alpha: options.alpha, noiseCV: options.noiseCV, mixedBackends: mixed,
                          banners: banners, environmentDifferences: environmentDifferences(runs, headers),
                          results: results, unmatched: unmatched,
                          gate: options.failOnRegressionPct.map { RegressionGate(thresholdPct: $0, regressions: hits) })
    }

    /// One line per aspect of the environment that differs between runs:
    /// CPU model, THP, governor, uapi, NUMA node count, hmmbench version,
    /// virtualization (with what TCG means).
    static func environmentDifferences(_ runs: [LoadedRun], _ headers: [RunHeader]) -> [String] {
        let aspects: [(String, (RunEnvironment) -> String)] = [
            ("CPU model", { $0.cpu.model }),
            ("THP", { "enabled=\($0.thp.enabled ?? "n/a") defrag=\($0.thp.defrag ?? "n/a")" }),
            ("cpufreq governor", { $0.cpu.governor ?? "none" }),
            ("uapi generation", { $0.uapi }),
            ("NUMA nodes", { "\($0.numa.nodes.count)\($0.numa.simulated ? " (simulated)" : "")" }),
            ("hmmbench version", { $0.hmmbenchVersion }),
            ("virtualization", { $0.virtualization }),
        ]
        var out: [String] = []
        for (name, value) in aspects {
            let values = runs.map { value($0.record.environment) }
            guard Set(values).count > 1 else { continue }
            var line = "\(name) differs: " + zip(headers, values).map { "\($0.label) \($1)" }.joined(separator: ", ")
            if name == "virtualization" {
                line += values.contains("tcg")
                    ? " (TCG numbers are functional evidence, not hardware speed)"
                    : " (virtualization changes timing)"
            }
            out.append(line)
        }
        return out
    }

    /// Everything `compare` warns about on stderr: environment differences,
    /// TCG runs, duplicates and banners.
    public var warnings: [String] {
        var w = environmentDifferences.map { "warning: " + $0 }
        w += banners.filter { $0.hasPrefix("TCG") || $0.hasPrefix("MIXED") }.map { "warning: " + $0 }
        return w
    }
}
