/// What `hmmbench run` was asked to do, resolved and validated before
/// anything is mapped: the entries, the suite name, the engine options.
public struct RunPlan: Sendable {
    public var suiteName: String?
    public var entries: [FlowParameters]
    /// Combinations of a comma-list expansion that cannot be valid (64K of
    /// THP), recorded as skipped instead of stopping the run.
    public var rejected: [SkippedFlow] = []
    public var options: RunOptions

    /// Resolves `--suite` or `--flow key=value...` (exactly one), and the
    /// warmup/repetition overrides.
    public static func make(suite: String?, flow: String?, parameters: [String], suiteDirectory: String?,
                            warmup: Int?, repetitions: Int?, cpu: Int?, memoryNode: Int? = nil,
                            catalog: FlowCatalog = .standard) throws -> RunPlan {
        var plan: RunPlan
        switch (suite, flow) {
        case (nil, nil):
            plan = try make(suite: "quick", flow: nil, parameters: parameters, suiteDirectory: suiteDirectory,
                            warmup: warmup, repetitions: repetitions, cpu: cpu, memoryNode: memoryNode, catalog: catalog)
            return plan
        case (.some, .some):
            throw HMMBenchError.usage("give --suite or --flow, not both")
        case (let name?, nil):
            guard parameters.isEmpty else {
                throw HMMBenchError.usage("parameters '\(parameters.joined(separator: " "))' need --flow", hint: "suites set their own parameters")
            }
            let s = try Suite.load(name, searchDirectory: suiteDirectory, catalog: catalog)
            plan = RunPlan(suiteName: s.name, entries: s.entries,
                           options: RunOptions(warmup: s.warmup ?? 2, repetitions: s.repetitions ?? 10, cpu: cpu))
        case (nil, let name?):
            var values: [String: [String]] = [:]
            for p in parameters {
                let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[1].isEmpty else {
                    throw HMMBenchError.usage("flow parameter '\(p)' is not key=value", hint: "see 'hmmbench list \(name)'")
                }
                values[kv[0]] = kv[1].split(separator: ",").map(String.init)
            }
            plan = RunPlan(suiteName: nil, entries: try catalog.expand(flow: name, values: values),
                           options: RunOptions(cpu: cpu))
        }
        plan.options.memoryNode = memoryNode
        if let warmup { plan.options.warmup = warmup }
        if let repetitions { plan.options.repetitions = repetitions }
        try plan.options.validate()
        try plan.validateEntries()
        return plan
    }

    /// Validates every entry before anything runs. Invalid combinations
    /// are set aside as skipped; when no entry is valid the first error is
    /// the answer (a single bad `--flow` is an error, not a skip).
    mutating func validateEntries() throws {
        var valid: [FlowParameters] = []
        var firstError: HMMBenchError?
        for e in entries {
            do {
                try e.validateCommon()
                valid.append(e)
            } catch let error as HMMBenchError {
                firstError = firstError ?? error
                rejected.append(SkippedFlow(flow: e.flow, params: e.values, reason: "invalid combination: \(error.message)"))
            }
        }
        if valid.isEmpty, let firstError { throw firstError }
        entries = valid
    }
}
