/// What `report` shows of a result's phases: per phase the calls and the
/// time per operation over the traced repetitions, the spread and the
/// share of the repetition's time; the unattributed remainder; the mm-only
/// time of migrate flows (migrate_vma_* phases) beside the whole
/// operation; and the modes, when the samples fall into two groups.
public struct PhaseSummary: Sendable {
    /// One row of the table.
    public struct Row: Sendable, Equatable {
        public var phase: String
        /// Median calls per operation.
        public var callsPerOp: Double
        /// Median ns per operation.
        public var medianNs: Double
        /// (p90 - p10) / median of the per-operation times; 0 for a median of 0.
        public var spread: Double
        /// Median over repetitions of phase time / repetition time.
        public var share: Double
        /// Every repetition's ns per operation, in run order.
        public var samplesNs: [Double]
    }

    public var rows: [Row]
    public var unattributed: Row
    /// The whole repetition (the traced run's times).
    public var whole: Row
    /// Sum of the migrate_vma_* phases, when the flow has any.
    public var mmOnly: Row?
    /// Modes of the traced samples per phase and of the whole operation
    /// (the headline samples' modes are in the result's own report row).
    public var phaseModes: [String: Modes]

    /// Phases whose names start with this are the mm core's part of a
    /// migration (mm/migrate_device.c); the rest is the driver's.
    public static let mmPrefix = "migrate_vma_"

    public init?(_ result: FlowResult) {
        guard let record = result.phases, record.skipped == nil, !record.repetitions.isEmpty else { return nil }
        let ops = Double(max(result.opsPerSample, 1))
        let reps = record.repetitions
        let counters = record.counters.mapValues(\.perRepetition)
        func row(_ name: String, _ f: (PhaseRepetition) -> (ns: Double, calls: Int)) -> Row {
            let values = reps.map(f)
            let ns = values.map { $0.ns / ops }
            let shares = zip(values, reps).map { v, r in r.timeNs > 0 ? v.ns / r.timeNs : 0 }
            let sorted = ns.sorted()
            let med = Statistics.percentile(sorted: sorted, 50)
            let spread = med > 0 ? (Statistics.percentile(sorted: sorted, 90) - Statistics.percentile(sorted: sorted, 10)) / med : 0
            return Row(phase: name, callsPerOp: Statistics.percentile(sorted: values.map { Double($0.calls) / ops }.sorted(), 50),
                       medianNs: med, spread: spread, share: Statistics.percentile(sorted: shares.sorted(), 50), samplesNs: ns)
        }
        rows = record.phases.map { p in row(p.name) { r in (r.phases[p.name]?.ns ?? 0, r.phases[p.name]?.calls ?? 0) } }
        unattributed = row("unattributed") { ($0.unattributedNs, 0) }
        whole = row("whole operation") { ($0.timeNs, 1) }
        let mm = record.phases.map(\.name).filter { $0.hasPrefix(Self.mmPrefix) }
        mmOnly = mm.isEmpty ? nil : row("mm only (\(Self.mmPrefix)*)") { r in
            (mm.reduce(0) { $0 + (r.phases[$1]?.ns ?? 0) }, mm.reduce(0) { $0 + (r.phases[$1]?.calls ?? 0) })
        }
        var pm: [String: Modes] = [:]
        for r in rows + [whole] {
            if let m = Modes.detect(r.samplesNs, counters: counters) { pm[r.phase] = m }
        }
        phaseModes = pm
    }
}
