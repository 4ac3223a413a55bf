/// The regression gate's verdict (`--fail-on-regression PCT`): a called
/// change for the worse beyond PCT percent on any metric fails it, except
/// on simulated results, which never fail it without --gate-simulated
/// (simulated numbers are not kernel numbers); those are listed as
/// `ignored`, and `note` says why.
public struct RegressionGate: Codable, Equatable, Sendable {
    public var thresholdPct: Double
    public var regressions: [GateHit]
    /// Regressions on simulated results that did not count.
    public var ignored: [GateHit]
    /// False when no result could be gated (every run simulated, without
    /// --gate-simulated): the gate then neither passes nor fails.
    public var applied: Bool
    /// Why some or all results were not gated; nil when all were.
    public var note: String?
    public var failed: Bool { !regressions.isEmpty }

    /// A called change for the worse beyond the threshold.
    public struct GateHit: Codable, Equatable, Sendable {
        public var key: String
        public var metric: String
        public var run: String
        public var changePct: Double
        /// The pair test's p (max of Welch and Mann-Whitney) and its BH q.
        public var p: Double
        public var q: Double

        enum CodingKeys: String, CodingKey {
            case key, metric, run
            case changePct = "change_pct"
            case p, q
        }
    }

    enum CodingKeys: String, CodingKey {
        case thresholdPct = "threshold_pct"
        case regressions, ignored, applied, note, failed
    }

    public init(thresholdPct: Double, regressions: [GateHit], ignored: [GateHit] = [], applied: Bool = true,
                note: String? = nil) {
        self.thresholdPct = thresholdPct
        self.regressions = regressions
        self.ignored = ignored
        self.applied = applied
        self.note = note
    }

    /// "FAIL", "pass" or "not applied".
    public var state: String { failed ? "FAIL" : applied ? "pass" : "not applied" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        thresholdPct = try c.decode(Double.self, forKey: .thresholdPct)
        regressions = try c.decode([GateHit].self, forKey: .regressions)
        ignored = try c.decodeIfPresent([GateHit].self, forKey: .ignored) ?? []
        applied = try c.decodeIfPresent(Bool.self, forKey: .applied) ?? true
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(thresholdPct, forKey: .thresholdPct)
        try c.encode(regressions, forKey: .regressions)
        try c.encode(ignored, forKey: .ignored)
        try c.encode(applied, forKey: .applied)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(failed, forKey: .failed)
    }

    /// Applies the gate at `thresholdPct` to `results`: every called
    /// change for the worse beyond it, per metric.
    static func evaluate(_ results: [ComparedResult], thresholdPct: Double, gateSimulated: Bool,
                         allRunsSimulated: Bool) -> RegressionGate {
        var hits: [GateHit] = [], ignored: [GateHit] = []
        var ungated = 0
        for r in results {
            let counts = !r.simulated || gateSimulated
            if !counts { ungated += 1 }
            for m in r.metrics {
                for cell in m.cells.dropFirst() where cell.significant && cell.verdict == "worse" {
                    guard let change = cell.changePct, abs(change) > thresholdPct,
                          let t = r.tests.first(where: { $0.run == cell.run }), let p = t.p, let q = t.q else { continue }
                    let hit = GateHit(key: r.key, metric: m.name, run: cell.run, changePct: change, p: p, q: q)
                    if counts { hits.append(hit) } else { ignored.append(hit) }
                }
            }
        }
        var note: String?
        let applied = !(allRunsSimulated && !gateSimulated)
        if !applied {
            note = "every run is simulated, and simulated numbers are not kernel numbers "
                + "(--gate-simulated applies it anyway)"
        } else if ungated > 0 {
            note = "\(ungated) simulated result(s) not gated: simulated numbers are not kernel numbers "
                + "(--gate-simulated gates them too)"
        }
        return RegressionGate(thresholdPct: thresholdPct, regressions: hits, ignored: ignored, applied: applied, note: note)
    }
}
