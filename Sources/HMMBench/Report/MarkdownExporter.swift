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
        out += ["", "time: lower is better; GiB/s: higher is better. `*  x.xx%*` significant "
                + "(Welch p < \(TextLayout.trimmed(c.alpha))), `(  x.xx%)` not significant. "
                + "NOISY: CV above \(TextLayout.percent(c.noiseCV)) in some run, never called a change."]
        for r in c.results {
            var title = "### `\(r.key)`"
            if r.noisy { title += " NOISY (max CV \(TextLayout.percent(r.maxCV)))" }
            if r.simulated { title += " SIMULATED" }
            if !r.checkFailed.isEmpty { title += " CHECK FAILED in \(r.checkFailed.joined(separator: ", "))" }
            if !r.missingIn.isEmpty { title += " (missing in \(r.missingIn.joined(separator: ", ")))" }
            out += ["", title, ""]
            var rows: [[String]] = []
            for m in r.metrics {
                let base = m.cells.first?.mean ?? 0
                let unit = m.name == "time" ? TextLayout.timeUnit(for: base) : (divisor: 1, name: "GiB/s")
                let d = TextLayout.decimals(for: base / unit.divisor)
                for (j, x) in m.cells.enumerated() {
                    let change = j == 0 ? "" : x.changePct.map { "`" + TextLayout.change($0, significant: x.significant) + "`" } ?? "n/a"
                    rows.append([j == 0 ? "\(m.name) (\(unit.name))" : "", x.run, String(x.n),
                                 Format.fixed(x.mean / unit.divisor, d), Format.fixed(x.median / unit.divisor, d),
                                 Format.fixed(x.stddev / unit.divisor, d), TextLayout.percent(x.cv), change,
                                 j == 0 ? "" : TextLayout.pValue(x.p), x.verdict])
                }
            }
            out += table(["Metric", "Run", "n", "Mean", "Median", "Stddev", "CV", "Change", "p", "Verdict"], rows,
                         right: [2, 3, 4, 5, 6, 7, 8])
        }
        if !c.unmatched.isEmpty {
            out += ["", "Unmatched results (not compared):", ""]
            out += c.unmatched.map { "- \($0.run) `\($0.file)`: \($0.reason): `\($0.key)`" }
        }
        if let g = c.gate {
            let limit = Format.fixed(g.thresholdPct, 2) + "%"
            out += ["", "Regression gate (`--fail-on-regression \(limit)`): **\(g.failed ? "FAIL" : "pass")**"]
            if g.failed {
                out.append("")
                out += g.regressions.map { "- run \($0.run) \($0.metric) \(Format.fixed($0.changePct, 2))% (p \(TextLayout.pValue($0.p))): `\($0.key)`" }
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
        out += ["", "Times per operation; CI is the 95% confidence interval of the mean (Student's t). "
                + "time: lower is better; GiB/s, pages/s: higher is better.", ""]
        var rows: [[String]] = []
        for x in r.results {
            let t = x.time
            let u = TextLayout.timeUnit(for: t.mean)
            let d = TextLayout.decimals(for: t.mean / u.divisor)
            func tf(_ v: Double) -> String { Format.fixed(v / u.divisor, d) + " " + u.name }
            let gd = TextLayout.decimals(for: x.gibPerS.mean)
            rows.append(["`\(x.key)`" + (x.backend != r.run.backend ? " (\(x.backend.rawValue))" : ""), String(t.n),
                         tf(t.mean), tf(t.median), tf(t.stddev) + " (\(TextLayout.percent(t.cv)))", tf(t.p99),
                         "\(tf(t.ci95Low)) .. \(tf(t.ci95High))",
                         Format.fixed(x.gibPerS.mean, gd), TextLayout.compact(x.pagesPerSMean),
                         x.copyBandwidthRatio.map { Format.fixed($0, 2) } ?? "",
                         x.checkPassed ? "ok" : "**FAILED**" + (x.checkDetail.isEmpty ? "" : ": " + x.checkDetail),
                         x.notableInOrder.map { "\($0.short) \(TextLayout.compact($0.mean))" }.joined(separator: ", ")])
        }
        out += table(["Result", "n", "Mean", "Median", "Stddev (CV)", "p99", "95% CI", "GiB/s", "pages/s",
                      "Copy ratio", "Check", "Counters per rep"], rows, right: [1, 2, 3, 4, 5, 7, 8, 9])
        if !r.skipped.isEmpty {
            out += ["", "Skipped flows:", ""]
            for s in r.skipped {
                let params = s.params.keyValueText
                out.append("- `\(s.flow)\(params.isEmpty ? "" : " " + params)`: \(s.reason)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
