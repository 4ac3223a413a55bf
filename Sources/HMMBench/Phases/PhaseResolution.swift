/// A flow's phases resolved against the running kernel's
/// `available_filter_functions`: for each phase found, the kernel
/// functions traced for it (every clone); the phases not found, by name,
/// so a report says what it could not see instead of dropping it.
public struct PhaseResolution: Codable, Equatable, Sendable {
    /// A phase and the traceable functions that stand for it.
    public struct Phase: Codable, Equatable, Sendable {
        public var name: String
        /// Exact names for set_ftrace_filter ("migrate_vma_setup",
        /// "dmirror_migrate_finalize_and_map.isra.0").
        public var functions: [String]
    }

    public var phases: [Phase]
    /// Phase names none of whose candidate functions is traceable here
    /// (inlined at this optimisation level, renamed, or not built).
    public var missing: [String]

    public init(phases: [Phase], missing: [String]) {
        self.phases = phases
        self.missing = missing
    }

    /// Resolves `specs` against the function names of
    /// `available_filter_functions` (see `KernelFunctionNames.available`).
    public static func resolve(_ specs: [PhaseSpec], available: [String]) -> PhaseResolution {
        var byBase: [String: [String]] = [:]
        for f in available { byBase[KernelFunctionNames.base(f), default: []].append(f) }
        var phases: [Phase] = []
        var missing: [String] = []
        var taken = Set<String>()
        for spec in specs {
            let found = spec.candidates.lazy.compactMap { byBase[$0] }.first
            if let found, !found.contains(where: taken.contains) {
                phases.append(Phase(name: spec.name, functions: found))
                taken.formUnion(found)
            } else if found == nil {
                missing.append(spec.name)
            }
        }
        return PhaseResolution(phases: phases, missing: missing)
    }

    /// Every function to write to set_ftrace_filter.
    public var filter: [String] { phases.flatMap(\.functions) }

    /// The phase a traced function belongs to (by its base name), if any.
    public func phase(ofFunction name: String) -> String? {
        let b = KernelFunctionNames.base(name)
        return phases.first { p in p.functions.contains { KernelFunctionNames.base($0) == b } }?.name
    }

    /// The phase whose function starts with `prefix`: trace_stat truncates
    /// names to 30 characters. Nil when none or more than one phase match.
    public func phase(ofTruncated prefix: String) -> String? {
        if let exact = phase(ofFunction: prefix) { return exact }
        let hits = Set(phases.filter { p in p.functions.contains { $0.hasPrefix(prefix) } }.map(\.name))
        return hits.count == 1 ? hits.first : nil
    }
}
