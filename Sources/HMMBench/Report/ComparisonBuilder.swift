/// Matching: which results of which files are compared, which are not and
/// why; then the per-pair statistics (PairStatistics.swift) and the gate
/// (RegressionGate.swift).
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
        let outcomes = zip(runs, headers).flatMap { OutcomeEntry.all(of: $0, label: $1.label) }

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
        // What the other runs recorded for a key they have no result for.
        func elsewhere(_ key: String, except run: String) -> String {
            let notes = outcomes.filter { $0.key == key && $0.run != run }.map { "\($0.kind.rawValue) in \($0.run)" }
            return notes.isEmpty ? "" : "; " + notes.joined(separator: ", ")
        }

        // Baseline order, then keys only other files have.
        var seen = Set<String>()
        let baseKeys = runs[0].record.results.map(\.matchKey).filter { seen.insert($0).inserted }
        var matchedKeys: [String] = []
        for key in baseKeys {
            if indexed.dropFirst().contains(where: { $0[key] != nil }) {
                matchedKeys.append(key)
            } else {
                unmatched.append(UnmatchedResult(run: headers[0].label, file: runs[0].name, key: key,
                                                 reason: "only in baseline" + elsewhere(key, except: headers[0].label)))
            }
        }
        for i in 1..<runs.count {
            var seenHere = Set<String>()
            for r in runs[i].record.results where indexed[0][r.matchKey] == nil && seenHere.insert(r.matchKey).inserted {
                unmatched.append(UnmatchedResult(run: headers[i].label, file: runs[i].name, key: r.matchKey,
                                                 reason: "not in baseline" + elsewhere(r.matchKey, except: headers[i].label)))
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

        // Cells and one test per (result, non-baseline run).
        var results: [ComparedResult] = []
        var allTests: [PairTest] = []
        var testIndex: [(result: Int, test: Int, wentUp: Bool?)] = []
        for key in matchedKeys {
            let present = indexed.enumerated().compactMap { i, byKey in byKey[key].map { (i, $0) } }
            let base = present[0].1
            var time = ComparedMetric(name: "time", unit: "ns", lowerIsBetter: true, cells: [])
            var rate = ComparedMetric(name: "throughput", unit: "GiB/s", lowerIsBetter: false, cells: [])
            var tests: [PairTest] = []
            for (j, (runIndex, r)) in present.enumerated() {
                let label = headers[runIndex].label
                time.cells.append(PairStatistics.cell(run: label, r.time, base: j == 0 ? nil : base.time))
                rate.cells.append(PairStatistics.cell(run: label, r.rate, base: j == 0 ? nil : base.rate))
                if j > 0 {
                    let t = PairStatistics.test(run: label, base: base.time, new: r.time, noiseCV: options.noiseCV)
                    let a = time.cells[0].mean, b = time.cells[j].mean
                    testIndex.append((results.count, tests.count, a == b ? nil : b > a))
                    tests.append(t)
                }
            }
            allTests += tests
            let cvs = time.cells.compactMap(\.cv).map(abs)
            results.append(ComparedResult(
                key: key, flow: base.flow, params: base.params, noisy: tests.contains(where: \.noisy),
                simulated: present.contains { $0.1.backend == .simulated }, maxCV: cvs.max(),
                checkFailed: present.filter { !$0.1.check.passed }.map { headers[$0.0].label },
                missingIn: indexed.indices.filter { indexed[$0][key] == nil }.map { headers[$0].label },
                metrics: [time, rate], tests: tests,
                counters: ComparedCounter.compare(present.map { (headers[$0.0].label, $0.1) }),
                modes: Dictionary(uniqueKeysWithValues: present.compactMap { runIndex, r in
                    ReportedModes(r).map { (headers[runIndex].label, $0) }
                })))
        }

        // False-discovery control over every test, then verdicts per cell.
        PairStatistics.decide(&allTests, alpha: options.alpha, timeWentUp: { testIndex[$0].wentUp })
        for (k, where_) in testIndex.enumerated() {
            results[where_.result].tests[where_.test] = allTests[k]
        }
        for i in results.indices {
            for m in results[i].metrics.indices {
                let lower = results[i].metrics[m].lowerIsBetter
                let baseMean = results[i].metrics[m].cells[0].mean
                for c in results[i].metrics[m].cells.indices.dropFirst() {
                    let run = results[i].metrics[m].cells[c].run
                    guard let t = results[i].tests.first(where: { $0.run == run }) else { continue }
                    PairStatistics.apply(t, to: &results[i].metrics[m].cells[c], lowerIsBetter: lower, baseMean: baseMean)
                }
            }
        }
        let tested = allTests.filter { $0.q != nil }
        let multiple = MultipleTesting(tests: tested.count, alpha: options.alpha,
                                       discoveries: tested.filter { $0.q! <= options.alpha }.count,
                                       called: tested.filter(\.significant).count)
        let gate = options.failOnRegressionPct.map {
            RegressionGate.evaluate(results, thresholdPct: $0, gateSimulated: options.gateSimulated,
                                    allRunsSimulated: runBackends == [.simulated])
        }
        return Comparison(runs: headers, alpha: options.alpha, noiseCV: options.noiseCV, mixedBackends: mixed,
                          banners: banners, environmentDifferences: environmentDifferences(runs, headers),
                          results: results, unmatched: unmatched, outcomes: outcomes,
                          multipleTesting: multiple, gate: gate)
    }

    /// One line per aspect of the environment that differs between runs:
    /// first each recorded kernel config option (two kernels are only
    /// compared on equal terms when these agree), then CPU model, THP,
    /// governor, uapi, NUMA node count, hmmbench version, virtualization
    /// (with what TCG means).
    static func environmentDifferences(_ runs: [LoadedRun], _ headers: [RunHeader]) -> [String] {
        configDifferences(runs.map(\.record.environment.kernel), headers) + otherDifferences(runs, headers)
    }

    /// One line per CONFIG_ option whose recorded value differs between
    /// runs, sorted by name. An option a recorded config lacks reads as
    /// "n" (as Kconfig reads it: the option is not in that version); a run
    /// with no config recorded at all is named once instead.
    static func configDifferences(_ kernels: [KernelFacts], _ headers: [RunHeader]) -> [String] {
        let recorded = kernels.map { !$0.config.isEmpty }
        guard recorded.contains(true) else { return [] }
        var out: [String] = []
        if recorded.contains(false) {
            let missing = zip(headers, recorded).filter { !$1 }.map(\.0.label)
            out.append("kernel config not recorded for \(missing.joined(separator: ", ")): its options cannot be compared")
        }
        let keys = Set(kernels.flatMap(\.config.keys)).sorted()
        let compared = zip(headers, kernels).filter { !$1.config.isEmpty }
        for key in keys {
            let values = compared.map { $1.config[key] ?? "n" }
            guard Set(values).count > 1 else { continue }
            out.append("kernel config \(key) differs: "
                + zip(compared, values).map { "\($0.0.label) \($1)" }.joined(separator: ", "))
        }
        return out
    }

    static func otherDifferences(_ runs: [LoadedRun], _ headers: [RunHeader]) -> [String] {
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
