/// `compare` phase by phase: for each result both runs traced, each phase's
/// per-operation times tested as compare tests whole results (Welch's t and
/// Mann-Whitney, the larger p, Benjamini-Hochberg over the phases of the
/// comparison), so "the change is in lru_cache_disable" is a line.
public struct PhaseComparison: Sendable {
    /// One phase of one result in the baseline and the other run.
    public struct Line: Sendable, Equatable {
        public var key: String
        public var label: String
        public var phase: String
        public var baselineNs: Double
        public var otherNs: Double
        public var p: Double?
        public var q: Double?
        public var significant: Bool
        /// Whether the phase is traced in each run (a phase missing on one
        /// kernel is reported, not tested).
        public var inBaseline: Bool
        public var inOther: Bool
    }

    public var lines: [Line]
    public var alpha: Double
    /// Per result key: phase -> the phase it was called from, merged from
    /// both runs' traces (empty for records without nesting).
    public var nesting: [String: [String: String]]
    /// See `changedPhases`.
    public static let carriedShare = 0.8

    /// Compares `baseline` with `other` (runs' results matched on their key).
    public init(baseline: [FlowResult], other: [FlowResult], alpha: Double = 0.05) {
        self.alpha = alpha
        var lines: [Line] = []
        var ps: [(Int, Double)] = []
        var nesting: [String: [String: String]] = [:]
        let others = Dictionary(other.map { ($0.matchKey, $0) }, uniquingKeysWith: { a, _ in a })
        for a in baseline {
            guard let b = others[a.matchKey], let sa = PhaseSummary(a), let sb = PhaseSummary(b) else { continue }
            let label = a.params.isEmpty ? a.flow : a.flow + " " + a.params.keyValueText
            nesting[a.matchKey] = (a.phases?.nesting ?? [:]).merging(b.phases?.nesting ?? [:]) { x, _ in x }
            let namesA = sa.rows.map(\.phase), namesB = sb.rows.map(\.phase)
            var names = namesA
            for n in namesB where !names.contains(n) { names.append(n) }
            for name in names + ["unattributed"] {
                let ra = name == "unattributed" ? sa.unattributed : sa.rows.first { $0.phase == name }
                let rb = name == "unattributed" ? sb.unattributed : sb.rows.first { $0.phase == name }
                var line = Line(key: a.matchKey, label: label, phase: name, baselineNs: ra?.medianNs ?? 0,
                                otherNs: rb?.medianNs ?? 0, p: nil, q: nil, significant: false,
                                inBaseline: ra != nil, inOther: rb != nil)
                if let ra, let rb, ra.samplesNs.count >= 2, rb.samplesNs.count >= 2, ra.samplesNs != rb.samplesNs {
                    let pw = Statistics.welch(ra.samplesNs, rb.samplesNs)?.p
                    let pm = Statistics.mannWhitney(ra.samplesNs, rb.samplesNs)?.p
                    if let pw, let pm, pw.isFinite {
                        line.p = max(pw, pm)
                        ps.append((lines.count, max(pw, pm)))
                    }
                }
                lines.append(line)
            }
        }
        let qs = Statistics.benjaminiHochberg(ps.map(\.1))
        for (k, (i, _)) in ps.enumerated() {
            lines[i].q = qs[k]
            lines[i].significant = qs[k] <= alpha
        }
        self.lines = lines
        self.nesting = nesting
    }

    /// Per result, where the change is. Phases nest (move_pages holds
    /// lru_cache_disable and migrate_pages) and a parent carries its
    /// children's change. With the traces' nesting: of the called phases,
    /// the one whose own change (its change less its traced children's,
    /// each child traced in both runs) is the largest. Without it (older
    /// records): of the called phases whose change is at least
    /// `carriedShare` of the largest one, the one with the smallest
    /// baseline time. Results without a called phase are absent.
    public var changedPhases: [(label: String, line: Line)] {
        var out: [(String, Line)] = []
        var seen: [String] = []
        for l in lines where !seen.contains(l.key) { seen.append(l.key) }
        for key in seen {
            let all = lines.filter { $0.key == key }
            let called = all.filter { $0.significant && $0.phase != "unattributed" }
            let change = { (l: Line) in l.otherNs - l.baselineNs }
            let parents = nesting[key] ?? [:]
            if !parents.isEmpty {
                let own = { (l: Line) -> Double in
                    let children = all.filter { parents[$0.phase] == l.phase && $0.inBaseline && $0.inOther }
                    return abs(change(l) - children.reduce(0) { $0 + change($1) })
                }
                if let top = called.max(by: { own($0) < own($1) }) { out.append((top.label, top)) }
                continue
            }
            let largest = called.map { abs(change($0)) }.max() ?? 0
            let carriers = called.filter { abs(change($0)) >= Self.carriedShare * largest }
            if let top = carriers.min(by: { $0.baselineNs < $1.baselineNs }) { out.append((top.label, top)) }
        }
        return out
    }
}
