/// GitHub-flavoured markdown: the text report's content as tables, with
/// change marks in code spans so `*` survives rendering.
public struct MarkdownExporter: ReportExporter {
    public var format: ReportFormat { .markdown }

    public init() {}

    func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    func table(_ header: [String], _ rows: [[String]], right: Set<Int> = []) -> [String] {
        var out = ["| " + header.map(cell).joined(separator: " | ") + " |"]
        out.append("|" + header.indices.map { right.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|")
        out += rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        return out
    }

    func runsTable(_ runs: [RunHeader]) -> [String] {
        table(["Run", "File", "Backend", "Virtualization", "Kernel", "uapi", "hmmbench", "Complete"],
              runs.map { [$0.label, "`\($0.file)`", $0.backend.rawValue, $0.virtualization, $0.kernel, $0.uapi,
                          $0.hmmbenchVersion, $0.complete ? "yes" : "**no**" + ($0.incompleteReason.map { ": " + $0 } ?? "")] })
    }

    public func render(_ c: Comparison) -> String {
        var out = ["## hmmbench compare", ""]
        out += runsTable(c.runs)
        if !c.banners.isEmpty {
            out.append("")
            out += c.banners.map { "> **\($0)**" }
        }
        if !c.environmentDifferences.isEmpty {
            out += ["", "Environment differences:", ""]
            out += c.environmentDifferences.map { "- \($0)" }
        }
        let alpha = TextLayout.trimmed(c.alpha)
        out += ["", "time: lower is better; GiB/s: higher is better. Change: of the mean against run A, with its "
                + "95% CI (Fieller). `*  x.xx%*` a called change, `(  x.xx%)` not called. One test per result and "
                + "run, on the time samples (GiB/s shares it): Welch's t and Mann-Whitney U, two-sided; p is the "
                + "larger of the two; called when its Benjamini-Hochberg q <= \(alpha) over all "
                + "\(c.multipleTesting.tests) test(s) of this comparison. NOISY: a run's CV above \(TextLayout.percent(c.noiseCV)); then "
                + "called only if the change is also larger than the larger standard deviation. n/a: fewer than 2 samples."]
        for r in c.results {
            var title = "### `\(r.key)`"
            if r.noisy { title += " NOISY (max CV \(r.maxCV.map { TextLayout.percent($0) } ?? "n/a"))" }
            if r.simulated { title += " SIMULATED" }
            if !r.checkFailed.isEmpty { title += " CHECK FAILED in \(r.checkFailed.joined(separator: ", "))" }
            if !r.missingIn.isEmpty { title += " (missing in \(r.missingIn.joined(separator: ", ")))" }
            out += ["", title, ""]
            var rows: [[String]] = []
            for m in r.metrics {
                let base = m.cells.first?.mean ?? 0
                let unit = m.name == "time" ? TextLayout.timeUnit(for: base) : (divisor: 1, name: "GiB/s")
                let d = TextLayout.decimals(for: base / unit.divisor)
                func f(_ v: Double?) -> String { v.map { Format.fixed($0 / unit.divisor, d) } ?? "n/a" }
                for (j, x) in m.cells.enumerated() {
                    let change = j == 0 ? "" : x.changePct.map { "`" + TextLayout.change($0, significant: x.significant) + "`" } ?? "n/a"
                    rows.append([j == 0 ? "\(m.name) (\(unit.name))" : "", x.run, String(x.n), f(x.mean), f(x.median),
                                 f(x.stddev), x.cv.map { TextLayout.percent($0) } ?? "n/a", change,
                                 j == 0 ? "" : TextExporter.interval(x.changeCI95Low, x.changeCI95High), x.verdict])
                }
            }
            out += table(["Metric", "Run", "n", "Mean", "Median", "Stddev", "CV", "Change", "95% CI of change", "Verdict"],
                         rows, right: [2, 3, 4, 5, 6, 7])
            out.append("")
            out += table(["Test", "Welch t", "df", "Welch p", "U p", "U method", "p (max)", "BH q", "Verdict"],
                         r.tests.map { t in
                             [t.run + " vs A", t.welch.map { TextExporter.signedNumber($0.t) } ?? "n/a",
                              t.welch.map { Format.fixed($0.degreesOfFreedom, 1) } ?? "n/a",
                              TextLayout.pValue(t.welch?.p), TextLayout.pValue(t.mannWhitney?.p),
                              t.mannWhitney?.method.rawValue ?? "n/a", TextLayout.pValue(t.p), TextLayout.pValue(t.q), t.verdict]
                         }, right: [1, 2, 3, 4, 6, 7])
        }
        let m = c.multipleTesting
        out += ["", "Tests: \(m.tests), one per result and run. Were nothing different, about "
                + "\(Format.fixed(m.expectedByChance, 2)) would reach p < \(alpha) by chance alone. Benjamini-Hochberg "
                + "at \(alpha): \(m.discoveries) discoveries, of which at most \(Format.fixed(m.expectedFalseDiscoveries, 2)) "
                + "expected false; \(m.called) change(s) called."]
        if !c.unmatched.isEmpty {
            out += ["", "Unmatched results (not compared):", ""]
            out += c.unmatched.map { "- \($0.run) `\($0.file)`: \($0.reason): `\($0.key)`" }
        }
        if !c.outcomes.isEmpty {
            out += ["", "Failed and skipped entries (no numbers to compare):", ""]
            out += table(["Run", "File", "Entry", "Outcome", "Reason"], c.outcomes.map { o in
                [o.run, "`\(o.file)`", "`\(o.key.trimmingTrailingSpace)`",
                 o.kind == .failed ? "**failed**" + ([o.stage, o.errnoName].compactMap { $0 }.isEmpty ? ""
                     : " (" + [o.stage, o.errnoName].compactMap { $0 }.joined(separator: ", ") + ")") : "skipped",
                 o.reason]
            })
        }
        if let g = c.gate {
            let limit = Format.fixed(g.thresholdPct, 2) + "%"
            let state = g.state
            out += ["", "Regression gate (`--fail-on-regression \(limit)`): **\(state)**"]
            if let note = g.note { out += ["", note] }
            if g.failed {
                out.append("")
                out += g.regressions.map { "- run \($0.run) \($0.metric) \(Format.fixed($0.changePct, 2))% (q \(TextLayout.pValue($0.q))): `\($0.key)`" }
            }
            if !g.ignored.isEmpty {
                out += ["", "Not counted (simulated):", ""]
                out += g.ignored.map { "- run \($0.run) \($0.metric) \(Format.fixed($0.changePct, 2))% (q \(TextLayout.pValue($0.q))): `\($0.key)`" }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    public func render(_ r: RunReport) -> String {
        var out = ["## hmmbench report: `\(r.run.file)`", ""]
        out += runsTable([r.run])
        if !r.banners.isEmpty {
            out.append("")
            out += r.banners.map { "> **\($0)**" }
        }
        out += ["", "Times per operation; CI is the 95% confidence interval of the mean (Student's t); "
                + "stddev and CI are n/a for fewer than 2 samples. "
                + "time: lower is better; GiB/s, pages/s: higher is better. "
                + "\(r.results.count) results, \(r.failed.count) failed, \(r.skipped.count) skipped.", ""]
        var rows: [[String]] = []
        for x in r.results {
            let t = x.time
            let u = TextLayout.timeUnit(for: t.mean)
            let d = TextLayout.decimals(for: t.mean / u.divisor)
            func tf(_ v: Double) -> String { Format.fixed(v / u.divisor, d) + " " + u.name }
            func ci(_ s: ReportedStats, _ f: (Double) -> String) -> String {
                guard let lo = s.ci95Low, let hi = s.ci95High else { return "n/a" }
                return "\(f(lo)) .. \(f(hi))"
            }
            let gd = TextLayout.decimals(for: x.gibPerS.mean)
            rows.append(["`\(x.key)`" + (x.backend != r.run.backend ? " (\(x.backend.rawValue))" : ""), String(t.n),
                         tf(t.mean), tf(t.median),
                         t.stddev.map { tf($0) + " (\(t.cv.map { TextLayout.percent($0) } ?? "n/a"))" } ?? "n/a", tf(t.p99),
                         ci(t, tf),
                         Format.fixed(x.gibPerS.mean, gd), TextLayout.compact(x.pagesPerSMean),
                         x.copyBandwidthRatio.map { Format.fixed($0, 2) } ?? "",
                         x.checkPassed ? "ok" : "**FAILED**" + (x.checkDetail.isEmpty ? "" : ": " + x.checkDetail),
                         x.notableInOrder.map { "\($0.short) \(TextLayout.compact($0.mean))" }.joined(separator: ", ")])
        }
        out += table(["Result", "n", "Mean", "Median", "Stddev (CV)", "p99", "95% CI", "GiB/s", "pages/s",
                      "Copy ratio", "Check", "Counters per rep"], rows, right: [1, 2, 3, 4, 5, 7, 8, 9])
        if r.results.isEmpty { out += ["", "No results."] }
        if !r.failed.isEmpty {
            out += ["", "Failed flows:", ""]
            for f in r.failed {
                let detail = [f.stage, f.errnoName].compactMap { $0 }.joined(separator: ", ")
                out.append("- `\(f.key.trimmingTrailingSpace)`: **failed**\(detail.isEmpty ? "" : " (\(detail))"): \(f.reason)")
            }
        }
        if !r.skipped.isEmpty {
            out += ["", "Skipped flows:", ""]
            for s in r.skipped {
                out.append("- `\(s.key.trimmingTrailingSpace)`: \(s.reason)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
