/// The phases of a run (`report`) and of a comparison (`compare`) as text:
/// per result a table phase | calls/op | median us/op | spread | share,
/// the unattributed remainder, the mm-only time of migrate flows beside
/// the whole operation, the traced run's slowdown (DISTORTED above 10%),
/// the phases this kernel could not trace, and modes; for a comparison,
/// one "the change is in X" line per result and a table per phase. Empty
/// when no result has phases.
public enum PhaseText {
    static func us(_ ns: Double) -> String { Format.fixed(ns / 1000, ns >= 100_000 ? 0 : 1) }
    static func pct(_ x: Double) -> String { Format.fixed(x * 100, 0) + "%" }

    /// The phases section of `report` for `results`.
    public static func report(_ results: [FlowResult]) -> String {
        var out: [String] = []
        // A note every traced result carries (the kernel's, such as the
        // profiler refusing to run beside function_graph) is said once.
        let traced = results.compactMap(\.phases).filter { $0.skipped == nil }
        let shared = traced.count < 2 ? [] : traced.dropFirst().reduce(traced[0].notes) { common, record in
            common.filter(record.notes.contains)
        }
        for r in results {
            guard let record = r.phases else { continue }
            let label = r.params.isEmpty ? r.flow : r.flow + " " + r.params.keyValueText
            if let why = record.skipped {
                out.append("\(label): phases skipped: \(why)")
                continue
            }
            guard let s = PhaseSummary(r) else { continue }
            out.append("")
            out.append(label)
            out.append("  traced run: " + (record.slowdown.map { Format.fixed($0, 2) + "x" } ?? "n/a")
                + " the untraced run's median" + (record.distorted
                    ? "; DISTORTED (above \(Format.fixed(PhaseRecord.distortionLimit, 2))x): read shares, not times" : ""))
            out.append("  " + Format.padRight("phase", 34) + Format.pad("calls/op", 9) + Format.pad("us/op", 10)
                + Format.pad("spread", 8) + Format.pad("share", 7))
            for row in s.rows + [s.unattributed, s.whole] {
                // The remainder is time, not calls: no count to show.
                let calls = row.phase == s.unattributed.phase ? "-" : Format.fixed(row.callsPerOp, row.callsPerOp < 10 ? 1 : 0)
                out.append("  " + Format.padRight(row.phase, 34) + Format.pad(calls, 9)
                    + Format.pad(us(row.medianNs), 10) + Format.pad(pct(row.spread), 8) + Format.pad(pct(row.share), 7))
            }
            if let mm = s.mmOnly {
                // The ratio of the two medians, and (when it differs) the
                // median of the per-repetition shares the table's column holds.
                let ratio = s.whole.medianNs > 0 ? mm.medianNs / s.whole.medianNs : 0
                let median = pct(mm.share) == pct(ratio) ? "" : "; median share per repetition \(pct(mm.share))"
                out.append("  mm only (\(PhaseSummary.mmPrefix)*): \(us(mm.medianNs)) of \(us(s.whole.medianNs)) us/op "
                    + "(\(pct(ratio))\(median)); the rest is the driver and the crossings")
            }
            if !record.missing.isEmpty { out.append("  not traceable here: " + record.missing.joined(separator: ", ")) }
            for row in s.rows + [s.whole] {
                if let m = s.phaseModes[row.phase] { out.append("  \(row.phase): " + modes(m)) }
            }
            for n in record.notes where !shared.contains(n) { out.append("  note: " + n) }
        }
        if !shared.isEmpty {
            out.append("")
            for n in shared { out.append("note (every traced result above): " + n) }
        }
        guard !out.isEmpty else { return "" }
        return TextLayout.wrapAll(["", "Phases (run --phases; TCG guests give shares, not hardware times)"] + out)
            .joined(separator: "\n") + "\n"
    }

    static func modes(_ m: Modes) -> String {
        ReportedModes(m).describe(time: { us($0) + " us" }, noCounter: nil)
    }

    /// The phases section of `compare` of `baseline` against `other`.
    public static func compare(baseline: LoadedRun, other: LoadedRun, alpha: Double) -> String {
        let c = PhaseComparison(baseline: baseline.record.results, other: other.record.results, alpha: alpha)
        guard !c.lines.isEmpty else { return "" }
        var out = ["", "Phases: \(other.path) against \(baseline.path) (Welch and Mann-Whitney per phase, BH q <= \(alpha))"]
        for (label, line) in c.changedPhases {
            out.append("\(label): the change is in \(line.phase): \(us(line.baselineNs)) -> \(us(line.otherNs)) us/op"
                + (line.baselineNs > 0 ? " (x\(Format.fixed(line.otherNs / line.baselineNs, 2)))" : ""))
        }
        var last = ""
        for l in c.lines {
            if l.key != last {
                out.append(l.label)
                last = l.key
            }
            let state: String
            if !l.inBaseline || !l.inOther {
                state = "traced in " + (l.inBaseline ? "baseline only" : "other run only")
            } else if let q = l.q {
                state = (l.significant ? "CHANGED" : "same") + " q=" + Format.fixed(q, 3)
            } else {
                state = "untestable"
            }
            out.append("  " + Format.padRight(l.phase, 32) + Format.pad(us(l.baselineNs), 10) + Format.pad(us(l.otherNs), 10)
                + "  " + state)
        }
        return TextLayout.wrapAll(out).joined(separator: "\n") + "\n"
    }
}
