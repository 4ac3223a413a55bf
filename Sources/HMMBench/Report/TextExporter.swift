/// Plain text for mailing lists and patch reviews: no line over 72
/// columns, mmtests-style change marks, every run's backend and
/// virtualization in the header.
public struct TextExporter: ReportExporter {
    public var format: ReportFormat { .text }

    public init() {}

    // MARK: Comparison

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
        out.append("Legend: time: lower is better; GiB/s: higher is better.")
        out.append("  *  x.xx%* significant (Welch p < \(TextLayout.trimmed(c.alpha))); (  x.xx%) not significant.")
        out.append("  NOISY: CV above \(TextLayout.percent(c.noiseCV)) in some run, never called a change.")
        out.append("  cv = stddev / mean; p = two-sided Welch p against run A.")

        let cols: [TextLayout.Column] = [.init(8, left: true), .init(3, left: true), .init(5), .init(10), .init(10),
                                         .init(6), .init(10), .init(7)]
        for r in c.results {
            out.append("")
            var title = r.key
            if r.noisy { title += "  [NOISY: max CV \(TextLayout.percent(r.maxCV))]" }
            if r.simulated { title += "  [SIMULATED]" }
            if !r.checkFailed.isEmpty { title += "  [CHECK FAILED: \(r.checkFailed.joined(separator: ","))]" }
            if !r.missingIn.isEmpty { title += "  [missing in \(r.missingIn.joined(separator: ","))]" }
            out += TextLayout.wrap(title, indent: 2)
            out.append(TextLayout.row(["metric", "run", "n", "mean", "median", "cv", "change", "p"], cols))
            for m in r.metrics {
                let base = m.cells.first?.mean ?? 0
                let (div, label): (Double, String) = m.name == "time"
                    ? { let u = TextLayout.timeUnit(for: base); return (u.divisor, "time/" + u.name) }()
                    : (1, "GiB/s")
                let digits = TextLayout.decimals(for: base / div)
                for (j, cell) in m.cells.enumerated() {
                    let change: String
                    if j == 0 {
                        change = TextLayout.change(0, significant: false)
                    } else if let pct = cell.changePct {
                        change = TextLayout.change(pct, significant: cell.significant)
                    } else {
                        change = "n/a"
                    }
                    out.append(TextLayout.row([j == 0 ? label : "", cell.run, String(cell.n),
                                               Format.fixed(cell.mean / div, digits), Format.fixed(cell.median / div, digits),
                                               TextLayout.percent(cell.cv), change,
                                               j == 0 ? "" : TextLayout.pValue(cell.p)], cols))
                }
            }
        }

        out.append("")
        out.append(summaryLine(c))
        if !c.unmatched.isEmpty {
            out.append("")
            out.append("Unmatched results (not compared):")
            for u in c.unmatched {
                out += TextLayout.wrap("  \(u.run) \(u.file): \(u.reason): \(u.key)", indent: 4)
            }
        }
        if let g = c.gate {
            out.append("")
            let limit = Format.fixed(g.thresholdPct, 2) + "%"
            if g.failed {
                out.append("Regression gate (--fail-on-regression \(limit)): FAIL")
                for h in g.regressions {
                    out += TextLayout.wrap("  run \(h.run) \(h.metric) \(signed(h.changePct))% (p \(TextLayout.pValue(h.p))): \(h.key)", indent: 4)
                }
            } else {
                out.append("Regression gate (--fail-on-regression \(limit)): pass")
                out.append("  no significant, non-noisy regression over \(limit)")
            }
        }
        return finish(out)
    }

    func summaryLine(_ c: Comparison) -> String {
        var counts: [String: Int] = [:]
        for r in c.results {
            for m in r.metrics {
                for cell in m.cells.dropFirst() { counts[cell.verdict, default: 0] += 1 }
            }
        }
        let parts = ["better", "worse", "no change", "noisy", "untestable"].compactMap { v in
            counts[v].map { "\($0) \(v)" }
        }
        return "Summary: \(c.results.count) results compared; metric changes: " + parts.joined(separator: ", ")
    }

    func header(_ runs: [RunHeader]) -> [String] {
        runs.flatMap { h -> [String] in
            TextLayout.wrap("\(Format.padRight(h.label, 2)) \(h.file)", indent: 3)
                + TextLayout.wrap("   " + h.summary, indent: 3)
        }
    }

    func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + Format.fixed(v, 2) }

    /// Joins lines, guaranteeing the 72-column limit whatever the data.
    func finish(_ lines: [String]) -> String {
        TextLayout.wrapAll(lines).joined(separator: "\n") + "\n"
    }

    // MARK: Single run

    public func render(_ r: RunReport) -> String {
        var out: [String] = []
        let h = r.run
        out += TextLayout.wrap("hmmbench report: \(h.file)", indent: 2)
        out += TextLayout.wrap("  " + h.summary, indent: 2)
        var second = "  hmmbench \(h.hmmbenchVersion), started \(h.startedAt)"
        if let s = h.suite { second += ", suite \(s)" }
        if h.complete { second += ", complete" }
        out += TextLayout.wrap(second, indent: 2)
        out += TextLayout.wrap("  CPU " + h.cpuModel, indent: 2)
        if !r.banners.isEmpty {
            out.append("")
            out += r.banners.map { "!! " + $0 }
        }
        out.append("")
        out.append("time: lower is better; GiB/s, pages/s: higher is better.")
        out.append("CI: 95% confidence interval of the mean (Student's t).")
        for res in r.results {
            out.append("")
            var title = res.key
            if res.backend != h.backend { title += "  [\(res.backend.rawValue) backend]" }
            out += TextLayout.wrap(title, indent: 2)
            let t = res.time
            let unit = TextLayout.timeUnit(for: t.mean)
            let d = TextLayout.decimals(for: t.mean / unit.divisor)
            func tf(_ v: Double) -> String { Format.fixed(v / unit.divisor, d) }
            out += TextLayout.fieldLines(label: "time/" + unit.name, labelWidth: 9, fields: [
                "n \(t.n)", "mean \(tf(t.mean))", "median \(tf(t.median))",
                "sd \(tf(t.stddev)) (\(TextLayout.percent(t.cv)))", "p99 \(tf(t.p99))",
                "CI \(tf(t.ci95Low)) .. \(tf(t.ci95High))",
            ])
            let g = res.gibPerS
            let gd = TextLayout.decimals(for: g.mean)
            var rate = ["\(Format.fixed(g.mean, gd)) GiB/s",
                        "CI \(Format.fixed(g.ci95Low, gd)) .. \(Format.fixed(g.ci95High, gd))",
                        "\(TextLayout.compact(res.pagesPerSMean)) pages/s"]
            if let ratio = res.copyBandwidthRatio { rate.append("copy-bandwidth ratio \(Format.fixed(ratio, 2))") }
            out += TextLayout.fieldLines(label: "rate", labelWidth: 9, fields: rate)
            out += TextLayout.fieldLines(label: "check", labelWidth: 9,
                                         fields: [(res.checkPassed ? "ok" : "FAILED") + (res.checkDetail.isEmpty ? "" : ": " + res.checkDetail)])
            let counters = res.notableInOrder
            if !counters.isEmpty {
                out += TextLayout.fieldLines(label: "per rep", labelWidth: 9,
                                             fields: counters.map { "\($0.short) \(TextLayout.compact($0.mean))" })
            }
            if !res.derived.isEmpty {
                out += TextLayout.fieldLines(label: "derived", labelWidth: 9,
                                             fields: res.derived.keys.sorted().map { "\($0) \(Format.fixed(res.derived[$0]!, 3))" })
            }
            for note in res.notes {
                out += TextLayout.fieldLines(label: "note", labelWidth: 9, fields: [note])
            }
        }
        if r.results.isEmpty {
            out.append("")
            out.append("No results.")
        }
        if !r.skipped.isEmpty {
            out.append("")
            out.append("Skipped flows:")
            for s in r.skipped {
                let params = s.params.keyValueText
                out += TextLayout.wrap("  \(s.flow)\(params.isEmpty ? "" : " " + params): \(s.reason)", indent: 4)
            }
        }
        return finish(out)
    }
}
