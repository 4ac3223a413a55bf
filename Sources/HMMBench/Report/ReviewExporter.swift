/// The block a reviewer pastes into a mail (`compare --format review`):
/// no line over 72 columns; both kernels (release, and the commit when
/// the release names one, as `--kernel PATH@REV` builds do), the box and
/// the virtualization, every result's change of time with its 95% CI and
/// whether it is called, the counters that moved beside it (TLB
/// shootdowns, pgmigrate_*, thp_migration_*), the boot-to-boot spread
/// with --rounds, a summary, and the exact command that reproduces it.
/// A comparison-only format: a single run has nothing to review.
public struct ReviewExporter: ReportExporter {
    public var format: ReportFormat { .review }

    public init() {}

    public func render(_ report: RunReport) throws -> String {
        throw HMMBenchError.usage("--format review is for compare (two runs or more), not report",
                                  hint: "hmmbench compare --format review BASE.json NEW.json")
    }

    public func render(_ c: Comparison) -> String {
        var out: [String] = []
        let rule = TextLayout.rule("=")
        out.append(rule)
        let kernels = c.runs.map(\.kernel).joined(separator: " -> ")
        out.append("hmmbench A/B: " + kernels)
        out.append(rule)
        for h in c.runs {
            out.append("\(h.label)  kernel \(h.kernel)" + (Self.commit(inRelease: h.kernel).map { ", commit \($0)" } ?? ""))
            out += TextLayout.wrap("   \(h.file); backend \(h.backend.rawValue); suite \(h.suite ?? "n/a")"
                                   + (h.complete ? "" : "; INCOMPLETE"), indent: 3)
        }
        let boxes = Array(Set(c.runs.map(\.cpuModel))).sorted()
        out += TextLayout.wrap("Box: " + (c.box ?? boxes.joined(separator: " / ")), indent: 5)
        let virt = Array(Set(c.runs.map(\.virtualization))).sorted().joined(separator: " / ")
        out += TextLayout.wrap("Virtualization: \(virt)" + (virt.contains("tcg")
            ? " (software emulation: functional evidence, not hardware speed)" : ""), indent: 5)
        if c.rounds > 1 {
            out += TextLayout.wrap("Rounds: \(c.rounds) boots of each kernel, interleaved, pooled; a change smaller "
                                   + "than the boots' own spread is not called", indent: 5)
        }
        if !c.environmentDifferences.isEmpty {
            out.append("Differences besides the kernel:")
            out += c.environmentDifferences.flatMap { TextLayout.wrap("  " + $0, indent: 4) }
        }
        out.append(TextLayout.rule())
        out += TextLayout.wrap("Time per operation against A, mean, 95% CI of the change (Fieller). "
                               + "* = called: Welch and Mann-Whitney both, Benjamini-Hochberg q <= "
                               + "\(TextLayout.trimmed(c.alpha)) over \(c.multipleTesting.tests) test(s).", indent: 0)
        for r in c.results {
            out.append("")
            out += resultLines(r)
        }
        out.append(TextLayout.rule())
        out += summaryLines(c)
        out.append("Reproduce:")
        out += Self.shellLines(c.command ?? "hmmbench compare " + c.runs.map(\.file).joined(separator: " "))
        out.append(rule)
        return TextLayout.wrapAll(out).joined(separator: "\n") + "\n"
    }

    /// One result: its key, per non-baseline run the change and its call,
    /// the boots' verdict, then the counters that moved.
    func resultLines(_ r: ComparedResult) -> [String] {
        var out = TextLayout.wrap(r.key.trimmingTrailingSpace + (r.checkFailed.isEmpty ? "" : "  [CHECK FAILED: "
                                  + r.checkFailed.joined(separator: ",") + "]"), indent: 4)
        guard let time = r.metrics.first(where: { $0.name == "time" }), let base = time.cells.first else { return out }
        for cell in time.cells.dropFirst() {
            let change = cell.changePct.map { TextLayout.change($0, significant: cell.significant) } ?? "n/a"
            let verdict = r.tests.first { $0.run == cell.run }.map { t in
                t.q.map { "q \(TextLayout.pValue($0)) \(t.verdict)" } ?? t.verdict
            } ?? cell.verdict
            out += TextLayout.wrap("  \(cell.run) vs A  \(Format.duration(ns: base.mean)) -> \(Format.duration(ns: cell.mean))  "
                                   + change, indent: 10)
            out += TextLayout.wrap("          CI \(TextExporter.interval(cell.changeCI95Low, cell.changeCI95High)), \(verdict)",
                                   indent: 10)
        }
        for n in r.bootNoise where n.withinSpread {
            out += TextLayout.wrap("  \(n.run): within the between-boot spread (+-\(Format.fixed(n.spreadPct, 2))%)"
                                   + (n.uncalled ? ", so not called" : ""), indent: 4)
        }
        for counter in r.counters where Self.moved(counter) {
            let values = counter.cells.map { CounterTable.grouped($0.mean) }.joined(separator: " -> ")
            let change = counter.cells.last?.changePct.map { " (" + CounterTable.signedPercent($0) + ")" } ?? ""
            out += TextLayout.wrap("    " + Format.padRight(counter.label, 21) + " " + values + change + " /rep", indent: 6)
        }
        return out
    }

    /// A counter worth a line: it differs between the runs (by more than
    /// 1% and half a count), or it is one reviewers ask about and counts
    /// at least half a count per repetition somewhere.
    static func moved(_ c: ComparedCounter) -> Bool {
        let means = c.cells.map(\.mean)
        guard let first = means.first else { return false }
        let differs = means.contains { abs($0 - first) > Swift.max(0.5, abs(first) * 0.01) }
        let notable = ComparedCounter.preferred.contains { $0.name == c.name } && means.contains { abs($0) >= 0.5 }
        return differs || notable
    }

    func summaryLines(_ c: Comparison) -> [String] {
        var counts: [String: Int] = [:]
        for r in c.results {
            for t in r.tests { counts[t.verdict, default: 0] += 1 }
        }
        let failed = c.outcomes.filter { $0.kind == .failed }.count
        let skipped = c.outcomes.count - failed
        var parts = ["better", "worse", "no change", "noisy", "untestable"].compactMap { v in counts[v].map { "\($0) \(v)" } }
        parts.append("\(failed) failed")
        parts.append("\(skipped) skipped")
        var out = TextLayout.wrap("Summary: \(c.results.count) results; " + parts.joined(separator: ", ") + ".", indent: 2)
        let within = c.results.flatMap(\.bootNoise).filter(\.withinSpread).count
        if c.rounds > 1 {
            out += TextLayout.wrap("  \(within) change(s) smaller than the between-boot spread.", indent: 2)
        }
        if !c.unmatched.isEmpty {
            out += TextLayout.wrap("  \(c.unmatched.count) result(s) in only some runs (not compared).", indent: 2)
        }
        return out
    }

    /// `command` as shell lines of at most 72 columns, continued with
    /// " \\", so it pastes back into a shell as it was (a single word
    /// wider than a line is the only thing that can still be cut).
    static func shellLines(_ command: String) -> [String] {
        var lines: [String] = []
        var line = "  "
        for word in command.split(separator: " ", omittingEmptySubsequences: true) {
            if line.count > 2 && line.count + 1 + word.count + 2 > TextLayout.width {
                lines.append(line + " \\")
                line = "    "
            }
            line += (line.hasSuffix(" ") ? "" : " ") + word
        }
        lines.append(line)
        return lines
    }

    /// The commit a release names (`6.12.0-g0123456789ab`, as `--kernel
    /// PATH@REV` and CONFIG_LOCALVERSION_AUTO builds have): nil when none.
    public static func commit(inRelease release: String) -> String? {
        let parts = release.split(separator: "-")
        for p in parts.reversed() where p.hasPrefix("g") && p.count >= 8 {
            let hex = p.dropFirst()
            if hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) { return String(hex) }
        }
        return nil
    }
}
