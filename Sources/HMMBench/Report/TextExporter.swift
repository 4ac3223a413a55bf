/// Plain text for mailing lists and patch reviews: no line over 72
/// columns, mmtests-style change marks, every run's backend and
/// virtualization in the header. The single-run report is in
/// TextRunReport.swift.
public struct TextExporter: ReportExporter {
    public var format: ReportFormat { .text }

    public init() {}

    /// The columns of a comparison row: metric, run, n, mean, cv, change,
    /// 95% CI of the change (the rest of the line).
    static let columns: [TextLayout.Column] = [.init(8, left: true), .init(3, left: true), .init(4), .init(10), .init(6),
                                               .init(10), .init(23, left: true)]

    public func render(_ c: Comparison) -> String {
        var out: [String] = []
        out.append("hmmbench compare: \(c.runs.count) runs, changes against run A")
        out += header(c.runs)
        if !c.banners.isEmpty {
            out.append("")
            out += c.banners.map { "!! " + $0 }
        }
        if !c.environmentDifferences.isEmpty {
            out.append("")
            out.append("Environment differences:")
            out += c.environmentDifferences.map { "  " + $0 }
        }
        out.append("")
        out += legend(c)
        for r in c.results {
            out.append("")
            out += block(r)
        }
        out.append("")
        out += summary(c)
        if !c.unmatched.isEmpty {
            out.append("")
            out.append("Unmatched results (not compared):")
            for u in c.unmatched {
                out += TextLayout.wrap("  \(u.run) \(u.file): \(u.reason): \(u.key)", indent: 4)
            }
        }
        out += outcomeLines(c.outcomes, runs: c.runs)
        if let g = c.gate { out += gateLines(g) }
        return finish(out)
    }

    func legend(_ c: Comparison) -> [String] {
        let alpha = TextLayout.trimmed(c.alpha)
        return TextLayout.wrap("Legend: time: lower is better; GiB/s: higher is better. change: of the mean "
                               + "against run A, with its 95% CI (Fieller); n/a: fewer than 2 samples.", indent: 2)
            + TextLayout.wrap("  *  x.xx%* a called change, (  x.xx%) not called. One test per result and run, "
                              + "on the time samples (GiB/s shares it): Welch's t and Mann-Whitney U, two-sided; "
                              + "p is the larger of the two; called when its Benjamini-Hochberg q <= \(alpha) "
                              + "over the \(c.multipleTesting.tests) test(s) of this comparison.", indent: 2)
            + TextLayout.wrap("  NOISY: a run's CV above \(TextLayout.percent(c.noiseCV)); then called only "
                              + "if the change is also larger than the larger standard deviation.", indent: 2)
    }

    func block(_ r: ComparedResult) -> [String] {
        var out: [String] = []
        var title = r.key
        if r.noisy { title += "  [NOISY: max CV \(r.maxCV.map { TextLayout.percent($0) } ?? "n/a")]" }
        if r.simulated { title += "  [SIMULATED]" }
        if !r.checkFailed.isEmpty { title += "  [CHECK FAILED: \(r.checkFailed.joined(separator: ","))]" }
        if !r.missingIn.isEmpty { title += "  [missing in \(r.missingIn.joined(separator: ","))]" }
        out += TextLayout.wrap(title, indent: 2)
        out.append(TextLayout.row(["metric", "run", "n", "mean", "cv", "change", " 95% CI of change"], Self.columns))
        for m in r.metrics {
            let base = m.cells.first?.mean ?? 0
            let (div, label): (Double, String) = m.name == "time"
                ? { let u = TextLayout.timeUnit(for: base); return (u.divisor, "time/" + u.name) }()
                : (1, "GiB/s")
            let digits = TextLayout.decimals(for: base / div)
            for (j, cell) in m.cells.enumerated() {
                var change = "", ci = ""
                if j > 0 {
                    change = cell.changePct.map { TextLayout.change($0, significant: cell.significant) } ?? "n/a"
                    ci = " " + Self.interval(cell.changeCI95Low, cell.changeCI95High)
                }
                out.append(TextLayout.row([j == 0 ? label : "", cell.run, String(cell.n),
                                           Format.fixed(cell.mean / div, digits),
                                           cell.cv.map { TextLayout.percent($0) } ?? "n/a", change, ci], Self.columns))
            }
        }
        for t in r.tests {
            out += TextLayout.fieldLines(label: "\(t.run) vs A", labelWidth: 9, fields: Self.testFields(t))
        }
        for run in r.modes.keys.sorted() {
            let m = r.modes[run]!
            let unit = TextLayout.timeUnit(for: m.lowMedianNs)
            let d = TextLayout.decimals(for: m.lowMedianNs / unit.divisor)
            out += TextLayout.fieldLines(label: "\(run) modes", labelWidth: 9, fields: [
                m.describe { Format.fixed($0 / unit.divisor, d) + " " + unit.name } + "; its mean mixes them",
            ])
        }
        out += BootSpreadText.lines(r)
        out += CounterTable.lines(r.counters)
        return out
    }

    /// "Welch t -3.21 df 8.9 p 0.0107", "U p 0.0079 exact", "q 0.0158: worse".
    static func testFields(_ t: PairTest) -> [String] {
        guard let w = t.welch, let u = t.mannWhitney else {
            return ["untestable: fewer than 2 samples (t, df, p n/a)"]
        }
        return ["Welch t \(signedNumber(w.t)) df \(Format.fixed(w.degreesOfFreedom, 1)) p \(TextLayout.pValue(w.p))",
                "U p \(TextLayout.pValue(u.p)) \(u.method.rawValue)",
                "q \(TextLayout.pValue(t.q)): \(t.verdict)"]
    }

    /// "-1.23% .. +4.56%", or "n/a".
    static func interval(_ low: Double?, _ high: Double?) -> String {
        guard let low, let high else { return "n/a" }
        return signedNumber(low) + "% .. " + signedNumber(high) + "%"
    }

    static func signedNumber(_ v: Double) -> String {
        if v.isInfinite { return v > 0 ? "+inf" : "-inf" }
        return (v >= 0 ? "+" : "") + Format.fixed(v, 2)
    }

    func summary(_ c: Comparison) -> [String] {
        var counts: [String: Int] = [:]
        for r in c.results {
            for t in r.tests { counts[t.verdict, default: 0] += 1 }
        }
        let parts = ["worse", "better", "no change", "noisy", "untestable"].compactMap { v in counts[v].map { "\($0) \(v)" } }
        let m = c.multipleTesting
        let alpha = TextLayout.trimmed(c.alpha)
        var out = TextLayout.wrap("Summary: \(c.results.count) results compared; time against A: "
                                  + (parts.isEmpty ? "nothing tested" : parts.joined(separator: ", ")) + ".", indent: 2)
        out += TextLayout.wrap("Tests: \(m.tests), one per result and run. Were nothing different, about "
                               + "\(Format.fixed(m.expectedByChance, 2)) would reach p < \(alpha) by chance alone. "
                               + "Benjamini-Hochberg at \(alpha): \(m.discoveries) discoveries, of which at most "
                               + "\(Format.fixed(m.expectedFalseDiscoveries, 2)) expected false; \(m.called) "
                               + "change(s) called.", indent: 2)
        return out
    }

    /// Per run, its failed and skipped entries, a row each.
    func outcomeLines(_ outcomes: [OutcomeEntry], runs: [RunHeader]) -> [String] {
        guard !outcomes.isEmpty else { return [] }
        var out = ["", "Failed and skipped entries (no numbers to compare):"]
        for h in runs {
            let mine = outcomes.filter { $0.run == h.label }
            guard !mine.isEmpty else { continue }
            let f = mine.filter { $0.kind == .failed }.count, s = mine.count - f
            out += TextLayout.wrap("  \(h.label) \(h.file): \(f) failed, \(s) skipped", indent: 4)
            for o in mine {
                out += TextLayout.wrap("    \(o.key.trimmingTrailingSpace)", indent: 4)
                out += TextLayout.wrap("      \(o.summary)", indent: 2)
            }
        }
        return out
    }

    func gateLines(_ g: RegressionGate) -> [String] {
        var out = [""]
        let limit = Format.fixed(g.thresholdPct, 2) + "%"
        let state = g.state
        out.append("Regression gate (--fail-on-regression \(limit)): \(state)")
        if let note = g.note { out += TextLayout.wrap("  " + note, indent: 4) }
        for h in g.regressions {
            out += TextLayout.wrap("  run \(h.run) \(h.metric) \(Self.signedNumber(h.changePct))% (q \(TextLayout.pValue(h.q))): \(h.key)", indent: 4)
        }
        if state == "pass" {
            out.append("  no called regression over \(limit)")
        }
        if !g.ignored.isEmpty {
            out.append("  not counted (simulated):")
            for h in g.ignored {
                out += TextLayout.wrap("    run \(h.run) \(h.metric) \(Self.signedNumber(h.changePct))% (q \(TextLayout.pValue(h.q))): \(h.key)", indent: 6)
            }
        }
        return out
    }

    func header(_ runs: [RunHeader]) -> [String] {
        runs.flatMap { h -> [String] in
            TextLayout.wrap("\(Format.padRight(h.label, 2)) \(h.file)", indent: 3)
                + TextLayout.wrap("   " + h.summary, indent: 3)
        }
    }

    /// Joins lines, guaranteeing the 72-column limit whatever the data.
    func finish(_ lines: [String]) -> String {
        TextLayout.wrapAll(lines).joined(separator: "\n") + "\n"
    }
}

extension String {
    /// Without trailing spaces (a match key of a flow without params ends in one).
    var trimmingTrailingSpace: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
