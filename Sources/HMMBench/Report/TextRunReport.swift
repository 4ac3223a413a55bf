/// The single-run text report: per result its time, rate, check and
/// counters, then a row per failed and per skipped entry.
extension TextExporter {
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
        out += TextLayout.wrap("  \(r.results.count) results, \(r.failed.count) failed, \(r.skipped.count) skipped", indent: 2)
        if !r.banners.isEmpty {
            out.append("")
            out += r.banners.map { "!! " + $0 }
        }
        out.append("")
        out.append("time: lower is better; GiB/s, pages/s: higher is better.")
        out.append("CI: 95% confidence interval of the mean (Student's t);")
        out.append("sd and CI are n/a for fewer than 2 samples.")
        for res in r.results {
            out.append("")
            var title = res.key
            if res.backend != h.backend { title += "  [\(res.backend.rawValue) backend]" }
            out += TextLayout.wrap(title, indent: 2)
            let t = res.time
            let unit = TextLayout.timeUnit(for: t.mean)
            let d = TextLayout.decimals(for: t.mean / unit.divisor)
            func tf(_ v: Double) -> String { Format.fixed(v / unit.divisor, d) }
            let sd = t.stddev.map { "sd \(tf($0)) (\(t.cv.map { TextLayout.percent($0) } ?? "n/a"))" } ?? "sd n/a"
            out += TextLayout.fieldLines(label: "time/" + unit.name, labelWidth: 9, fields: [
                "n \(t.n)", "mean \(tf(t.mean))", "median \(tf(t.median))", sd, "p99 \(tf(t.p99))",
                Self.ci(t, tf),
            ])
            if let m = res.modes {
                // Before the rate: the mean above averages the two.
                out += TextLayout.fieldLines(label: "modes", labelWidth: 9,
                                             fields: [m.describe { tf($0) + " " + unit.name } + "; the mean above averages them"])
            }
            let g = res.gibPerS
            let gd = TextLayout.decimals(for: g.mean)
            var rate = ["\(Format.fixed(g.mean, gd)) GiB/s", Self.ci(g) { Format.fixed($0, gd) },
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
        if !r.failed.isEmpty {
            out.append("")
            out.append("Failed flows:")
            for f in r.failed {
                let detail = [f.stage, f.errnoName].compactMap { $0 }.joined(separator: ", ")
                var line = "  \(f.key.trimmingTrailingSpace): \(detail.isEmpty ? "" : detail + ": ")\(f.reason)"
                if let k = f.finishedSamples, k > 0 { line += " (\(k) repetitions finished first, not reported)" }
                out += TextLayout.wrap(line, indent: 4)
            }
        }
        if !r.skipped.isEmpty {
            out.append("")
            out.append("Skipped flows:")
            for s in r.skipped {
                out += TextLayout.wrap("  \(s.key.trimmingTrailingSpace): \(s.reason)", indent: 4)
            }
        }
        return finish(out)
    }

    /// "CI low .. high", or "CI n/a" for fewer than 2 samples.
    static func ci(_ s: ReportedStats, _ f: (Double) -> String) -> String {
        guard let lo = s.ci95Low, let hi = s.ci95High else { return "CI n/a" }
        return "CI \(f(lo)) .. \(f(hi))"
    }
}
