import Foundation

/// What `hmmbench plot` draws, before it is drawn: one panel per flow,
/// each a throughput (GiB/s, mean with 95% CI) against size (log2 axis)
/// chart whose series are one run's results on one backend for one
/// combination of the flow's other parameters, labelled with the run's
/// kernel and backend. Failed and skipped entries are kept as notes under
/// their flow's panel (or in `unplotted` when their flow has no result).
/// `PlotLayout` places the panels in a grid; `render()` writes the SVG.
public struct SVGPlot: Encodable, Sendable {
    /// One plotted point: size in bytes, mean GiB/s and its 95% CI
    /// (low = high = mean when n < 2).
    public struct Point: Codable, Equatable, Sendable {
        public var x: Double
        public var y: Double
        public var low: Double
        public var high: Double

        enum CodingKeys: String, CodingKey {
            case x = "size_bytes", y = "gib_per_s", low = "ci95_low", high = "ci95_high"
        }
    }

    /// One line in a panel: a run's points on one backend for one
    /// combination of the flow's non-size parameters, ascending in size.
    public struct Series: Encodable, Sendable {
        /// Index of the run in the files given; `runLabel` is its letter.
        public var run: Int
        public var runLabel: String
        /// The kernel release the run recorded.
        public var kernel: String
        /// Who produced these numbers ("kernel" or "simulated").
        public var backend: BackendKind
        /// The simulator profile of a simulated series, when the run recorded it.
        public var simProfile: String?
        /// The parameters that tell this series from the panel's others
        /// (the panel's `fixed` ones are left out).
        public var params: [String: String]
        /// Index of `params` among the panel's combinations: the colour.
        public var variant: Int
        public var points: [Point]

        /// "A 6.12.0 kernel" (or "A 6.12.0 simulated(6.1)" with the
        /// simulator's profile), then ": mapping=thp" when the panel has
        /// more than one combination of parameters.
        public var label: String {
            let who = backend == .simulated ? "simulated" + (simProfile.map { "(\($0))" } ?? "") : backend.rawValue
            return "\(runLabel) \(kernel) \(who)" + (params.isEmpty ? "" : ": " + params.keyValueText)
        }

        enum CodingKeys: String, CodingKey {
            case run, runLabel = "run_label", kernel, backend, simProfile = "sim_profile", params, variant, points, label
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(run, forKey: .run)
            try c.encode(runLabel, forKey: .runLabel)
            try c.encode(kernel, forKey: .kernel)
            try c.encode(backend, forKey: .backend)
            try c.encodeIfPresent(simProfile, forKey: .simProfile)
            try c.encode(params, forKey: .params)
            try c.encode(variant, forKey: .variant)
            try c.encode(points, forKey: .points)
            try c.encode(label, forKey: .label)
        }
    }

    /// One flow: its series, the parameters every series shares, and the
    /// failed and skipped entries of the flow.
    public struct Panel: Encodable, Sendable {
        public var flow: String
        /// Parameters (size aside) every series of the panel has alike,
        /// "memory=private"; empty when none.
        public var fixed: String
        public var series: [Series]
        /// Failed and skipped entries of this flow, one line each
        /// ("B mapping=anon size=16M: FAILED (measure, EINVAL): ...").
        public var notes: [String]

        /// Number of parameter combinations (colours) in the panel.
        public var variants: Int { (series.map(\.variant).max() ?? -1) + 1 }
        /// Whether some series has more than one size (a sweep, drawn as lines).
        public var isSweep: Bool { series.contains { $0.points.count > 1 } }
    }

    /// One line per run: "A: base.json: backend kernel, kvm, kernel 6.12.0".
    public let legend: [String]
    /// The loud lines (simulated, TCG, mixed backends), one per kind.
    public let alerts: [String]
    public let panels: [Panel]
    /// Failed and skipped entries of flows no run has a result for.
    public let unplotted: [String]

    /// Builds one panel per flow from `runs`, keeping only `flows` when
    /// it is not empty. Throws a usage error for a flow in `flows` that no
    /// run has (with the flows they do have), and a data error when
    /// nothing is left to plot.
    public init(runs: [LoadedRun], flows: [String] = []) throws {
        let headers = runs.enumerated().map { RunHeader(label: RunHeader.label($0.offset), run: $0.element) }
        let present = Self.flowsPresent(in: runs)
        for f in flows where !present.contains(f) {
            let files = runs.map(\.name).joined(separator: ", ")
            let known = (try? FlowCatalog.standard.flow(named: f)) != nil
            throw HMMBenchError.usage(known ? "--flow \(f): no result, failure or skip of that flow in \(files)"
                                            : "--flow \(f): unknown flow",
                                      hint: "flows in \(files): \(present.joined(separator: ", "))")
        }
        let wanted = Set(flows)
        func keep(_ flow: String) -> Bool { wanted.isEmpty || wanted.contains(flow) }

        legend = zip(runs, headers).map { run, h in
            "\(h.label): \(run.name): backend \(h.backend.rawValue), \(h.virtualization), kernel \(h.kernel)\(h.complete ? "" : ", INCOMPLETE")"
        }
        alerts = Self.alerts(headers)

        // Group results: flow -> parameter combination (size aside) -> (run, backend) -> points.
        struct SeriesKey: Hashable { var run: Int, backend: BackendKind, variant: Int }
        var order: [String] = []
        var combos: [String: [[String: String]]] = [:]
        var points: [String: [SeriesKey: [Point]]] = [:]
        for (i, run) in runs.enumerated() {
            for r in run.record.results where !r.samplesNs.isEmpty && keep(r.flow) {
                var rest = r.params
                let sizeText = rest.removeValue(forKey: "size")
                let x = Double(sizeText.flatMap { try? PageSize.parse($0) } ?? r.bytesPerOp)
                guard x > 0 else { continue }
                if combos[r.flow] == nil { order.append(r.flow) }
                var list = combos[r.flow, default: []]
                let variant = list.firstIndex(of: rest) ?? { list.append(rest); return list.count - 1 }()
                combos[r.flow] = list
                let g = ReportedStats(r.throughput.gibPerS)
                points[r.flow, default: [:]][SeriesKey(run: i, backend: r.backend, variant: variant), default: []]
                    .append(Point(x: x, y: g.mean, low: g.ci95Low ?? g.mean, high: g.ci95High ?? g.mean))
            }
        }
        let fixed = combos.mapValues(Self.sharedParameters)

        var notes: [String: [String]] = [:]
        var unplotted: [String] = []
        for (i, run) in runs.enumerated() {
            for o in OutcomeEntry.all(of: run, label: headers[i].label) where keep(o.flow) {
                if let shared = fixed[o.flow] {
                    let own = o.params.filter { shared[$0.key] != $0.value }
                    notes[o.flow, default: []].append("\(o.run)\(own.isEmpty ? "" : " " + own.keyValueText): \(o.summary)")
                } else {
                    unplotted.append("\(o.run) \(o.key.trimmingTrailingSpace): \(o.summary)")
                }
            }
        }
        panels = order.map { flow in
            let shared = fixed[flow]!
            let series = points[flow]!.map { key, pts in
                Series(run: key.run, runLabel: headers[key.run].label, kernel: headers[key.run].kernel, backend: key.backend,
                       simProfile: key.backend == .simulated ? runs[key.run].record.environment.simProfile : nil,
                       params: combos[flow]![key.variant].filter { shared[$0.key] == nil }, variant: key.variant,
                       points: pts.sorted { $0.x < $1.x })
            }.sorted { ($0.variant, $0.run, $0.backend.rawValue) < ($1.variant, $1.run, $1.backend.rawValue) }
            return Panel(flow: flow, fixed: shared.keyValueText, series: series, notes: notes[flow] ?? [])
        }
        self.unplotted = unplotted
        guard !panels.isEmpty else {
            let f = runs.map(\.record.failed.count).reduce(0, +), sk = runs.map(\.record.skipped.count).reduce(0, +)
            let which = flows.isEmpty ? "" : " for --flow \(flows.joined(separator: ","))"
            throw HMMBenchError(.data, "\(runs.map(\.path).joined(separator: ", ")): no results with samples to plot\(which) (\(f) failed, \(sk) skipped)",
                                hint: "'hmmbench report FILE' lists each failure and skip with its reason")
        }
    }

    /// Flows with a result, failure or skip in some run, in first-seen order.
    static func flowsPresent(in runs: [LoadedRun]) -> [String] {
        var seen: [String] = []
        for run in runs {
            for f in run.record.results.map(\.flow) + run.record.failed.map(\.flow) + run.record.skipped.map(\.flow)
            where !seen.contains(f) { seen.append(f) }
        }
        return seen
    }

    /// The parameters every combination has with the same value.
    static func sharedParameters(_ combos: [[String: String]]) -> [String: String] {
        guard var shared = combos.first else { return [:] }
        for c in combos.dropFirst() { shared = shared.filter { c[$0.key] == $0.value } }
        return shared
    }

    /// One line per kind of warning, naming the runs it concerns.
    static func alerts(_ headers: [RunHeader]) -> [String] {
        var out: [String] = []
        if Set(headers.map(\.backend)).count > 1 { out.append(Comparison.mixedBanner) }
        let simulated = headers.filter { $0.backend == .simulated }.map(\.label)
        if !simulated.isEmpty {
            out.append("SIMULATED: run\(simulated.count > 1 ? "s" : "") \(simulated.joined(separator: ", ")) measured the simulator, not a kernel")
        }
        let tcg = headers.filter { $0.virtualization == "tcg" }.map(\.label)
        if !tcg.isEmpty {
            out.append("TCG: run\(tcg.count > 1 ? "s" : "") \(tcg.joined(separator: ", ")): functional evidence, not hardware speed")
        }
        return out
    }
}
