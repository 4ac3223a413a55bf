/// What `hmmbench run` was asked to do, resolved and validated before
/// anything is mapped: the entries, the suite name, the engine options.
/// Every check a run can fail on bad input happens here, before the first
/// measurement: `make` checks what does not depend on the box, `validate`
/// checks the plan against the chosen backends (nodes, CPUs, --membind).
public struct RunPlan: Sendable {
    public var suiteName: String?
    public var entries: [FlowParameters]
    /// Suite entries this box cannot run (more reader threads than it has
    /// CPUs), set aside by `validate` and recorded as skipped. A `--flow`
    /// never has any: what the user named and cannot run is refused.
    public var rejected: [SkippedFlow] = []
    /// Combinations the suite's lines expand to that can never be valid.
    public var leftOut: [Suite.LeftOut] = []
    public var options: RunOptions

    /// Resolves `--suite` or `--flow key=value...` (exactly one), and the
    /// warmup/repetition overrides.
    public static func make(suite: String?, flow: String?, parameters: [String], suiteDirectory: String?,
                            warmup: Int?, repetitions: Int?, cpu: Int?, memoryNode: Int? = nil,
                            catalog: FlowCatalog = .standard) throws -> RunPlan {
        if let suiteDirectory { try Suite.requireDirectory(suiteDirectory) }
        var plan: RunPlan
        switch (suite, flow) {
        case (nil, nil):
            return try make(suite: "quick", flow: nil, parameters: parameters, suiteDirectory: suiteDirectory,
                            warmup: warmup, repetitions: repetitions, cpu: cpu, memoryNode: memoryNode, catalog: catalog)
        case (.some, .some):
            throw HMMBenchError.usage("give --suite or --flow, not both")
        case (let name?, nil):
            guard parameters.isEmpty else {
                throw HMMBenchError.usage("parameters '\(parameters.joined(separator: " "))' need --flow", hint: "suites set their own parameters")
            }
            let s = try Suite.load(name, searchDirectory: suiteDirectory, catalog: catalog)
            plan = RunPlan(suiteName: s.name, entries: s.entries, leftOut: s.leftOut,
                           options: RunOptions(warmup: s.warmup ?? 2, repetitions: s.repetitions ?? 10, cpu: cpu))
        case (nil, let name?):
            _ = try catalog.flow(named: name)
            let values: [String: [String]]
            do {
                values = try FlowCatalog.assignments(parameters)
            } catch let e as HMMBenchError {
                throw HMMBenchError.usage("\(name): \(e.message)", hint: e.hint ?? "see 'hmmbench list \(name)'")
            }
            let combos = try catalog.expand(flow: name, values: values)
            try refuseImpossible(combos, flow: name)
            plan = RunPlan(suiteName: nil, entries: combos, options: RunOptions(cpu: cpu))
        }
        plan.options.memoryNode = memoryNode
        if let warmup { plan.options.warmup = warmup }
        if let repetitions { plan.options.repetitions = repetitions }
        try plan.options.validate()
        try plan.validateEntries()
        return plan
    }

    /// A `--flow` list with combinations that can never be valid is bad
    /// input: refused, naming each one, rather than run in part.
    static func refuseImpossible(_ combos: [FlowParameters], flow: String) throws {
        let bad = combos.compactMap { c in c.impossibility().map { (c, $0) } }
        guard let first = bad.first else { return }
        if combos.count == 1 { throw HMMBenchError.usage("\(flow): \(first.1)") }
        let shown = bad.prefix(4).map { c, why in "\(c.values.keyValueText) (\(why))" }
        let more = bad.count > 4 ? "; and \(bad.count - 4) more" : ""
        throw HMMBenchError.usage("\(flow): \(bad.count) of \(combos.count) combinations are invalid: "
                                  + shown.joined(separator: "; ") + more,
                                  hint: "drop the values that make them, or run the valid ones as separate --flow commands")
    }

    /// Checks every entry's values before anything runs; the first bad one
    /// is the answer, naming the entry when a suite has several.
    mutating func validateEntries() throws {
        for e in entries {
            do {
                try e.validateCommon()
            } catch let error as HMMBenchError where suiteName != nil {
                throw HMMBenchError.usage("suite \(suiteName!): \(SuiteRunner.label(e)): \(error.message)", hint: error.hint)
            }
        }
    }

    /// Checks the plan against the backends chosen for this run, before
    /// the first measurement: every node parameter and `--membind` names a
    /// node of `selection`'s topology, `--membind` has real nodes to bind
    /// to, `--cpu` is allowed, and reader threads fit the CPUs.
    public mutating func validate(against selection: BackendSelection) throws {
        try validate(topology: selection.migrator.topology, allowedCPUs: CPUSet.atStart)
    }

    /// `validate(against:)` with the facts given: `allowedCPUs` are the
    /// CPUs this process may use.
    public mutating func validate(topology: NUMATopology, allowedCPUs: [Int]) throws {
        if let node = options.memoryNode {
            guard !topology.simulated else {
                throw HMMBenchError.usage("--membind \(node) needs real NUMA nodes, and this run's topology is simulated",
                                          hint: "a box with one node, or --nodes, gives simulated nodes; drop --membind")
            }
            do { try topology.require(node: node) } catch let e as HMMBenchError {
                throw HMMBenchError.usage("--membind: \(e.message)", hint: e.hint)
            }
        }
        if let cpu = options.cpu, !allowedCPUs.contains(cpu) {
            throw HMMBenchError.usage("--cpu \(cpu) is not an online CPU this process may use",
                                      hint: "CPUs allowed: \(allowedCPUs.map(String.init).joined(separator: ","))")
        }
        // Reader threads run on CPUs other than the measuring one.
        let readerLimit = max(0, allowedCPUs.count - 1)
        var kept: [FlowParameters] = []
        for e in entries {
            for key in FlowParameters.nodeParameterNames {
                guard let text = e.values[key], let node = Int(text) else { continue }
                do { try topology.require(node: node) } catch let err as HMMBenchError {
                    let place = suiteName.map { "suite \($0): " } ?? ""
                    throw HMMBenchError.usage("\(place)\(e.flow) \(key)=\(text): \(err.message)", hint: err.hint)
                }
            }
            if let text = e.values["threads"], let threads = Int(text), threads > readerLimit {
                let why = "threads=\(threads) needs \(threads) CPU(s) besides the measuring one; "
                    + "this process may use \(allowedCPUs.count) CPU(s)"
                guard suiteName != nil else {
                    throw HMMBenchError.usage("\(e.flow): threads=\(threads) is out of range 0...\(readerLimit) on this box: "
                                              + "reader threads need CPUs other than the measuring one, "
                                              + "and this process may use \(allowedCPUs.count) CPU(s)")
                }
                rejected.append(SkippedFlow(flow: e.flow, params: e.values, reason: why))
                continue
            }
            kept.append(e)
        }
        entries = kept
    }
}
