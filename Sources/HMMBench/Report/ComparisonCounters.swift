/// One kernel counter of a compared result across runs: its delta per
/// repetition in each run (read from each result's counter summaries) and
/// the change of the mean against the baseline. These are what explain a
/// change in time: e.g. one TLB shootdown per page moved against one per
/// move_pages call.
public struct ComparedCounter: Codable, Equatable, Sendable {
    /// Name in the run record ("interrupts:TLB", "pgmigrate_success").
    public var name: String
    /// What reports call it ("TLB shootdowns" for interrupts:TLB).
    public var label: String
    /// "vmstat" or "interrupts".
    public var source: String
    /// One cell per run that has the result, baseline first; a run whose
    /// result lacks the counter has no cell.
    public var cells: [CounterCell]

    /// The counters a comparison shows for one result, in display order:
    /// the ones reviewers ask about (TLB shootdowns, pgmigrate_*,
    /// thp_migration_*) whenever a run recorded them, then every other
    /// counter that moved (a non-zero delta) in some run, by name.
    /// `present` is each run's label and result, baseline first.
    public static func compare(_ present: [(run: String, result: FlowResult)]) -> [ComparedCounter] {
        guard let base = present.first else { return [] }
        let names = Set(present.flatMap { $0.result.counters.keys })
        let notable = preferred.map(\.name).filter(names.contains)
        let moved = names.subtracting(notable).filter { name in
            present.contains { $0.result.counters[name]?.perRepetition.contains { $0 != 0 } ?? false }
        }.sorted()
        return (notable + moved).map { name in
            let baseMean = base.result.counters[name]?.mean
            let cells = present.enumerated().compactMap { j, p -> CounterCell? in
                guard let c = p.result.counters[name] else { return nil }
                return CounterCell(run: p.run, summary: c, baseMean: j == 0 ? nil : baseMean)
            }
            let source = present.lazy.compactMap { $0.result.counters[name]?.source }.first ?? ""
            return ComparedCounter(name: name, label: label(name), source: source, cells: cells)
        }
    }

    /// Reviewers' counters in display order, with their report names.
    public static let preferred: [(name: String, label: String)] =
        NotableCounters.all.map { ($0.name, $0.short) }
        + [("thp_migration_split", "thp_migration_split"), ("thp_split_page", "thp_split_page")]

    /// The report name of a counter: its short name when it has one.
    public static func label(_ name: String) -> String {
        preferred.first { $0.name == name }?.label ?? name
    }
}

/// One run's deltas of one counter, per measured repetition.
public struct CounterCell: Codable, Equatable, Sendable {
    public var run: String
    /// Repetitions counted.
    public var n: Int
    public var mean: Double
    public var min: Int64
    public var max: Int64
    /// (mean - baseline mean) / baseline mean * 100; nil for the baseline
    /// or when the baseline mean is 0.
    public var changePct: Double?

    public init(run: String, summary: CounterSummary, baseMean: Double?) {
        self.run = run
        n = summary.perRepetition.count
        mean = summary.mean
        min = summary.perRepetition.min() ?? 0
        max = summary.perRepetition.max() ?? 0
        if let b = baseMean, b != 0 { changePct = (summary.mean - b) / b * 100 }
    }

    enum CodingKeys: String, CodingKey {
        case run, n, mean, min, max
        case changePct = "change_pct"
    }
}
