import Foundation

/// Scenario-by-scenario comparison of a conformance report from the real
/// driver with one from the model, and its 72-column text rendering.
public struct ConformanceComparison: Equatable, Sendable {
    /// The verdict on one scenario.
    public enum Verdict: Equatable, Sendable {
        case same
        /// One line per differing step (or a line saying what is missing).
        case different([String])
        /// Not run on one side; the reason.
        case skipped(String)
    }

    /// One scenario's verdict.
    public struct Entry: Equatable, Sendable {
        public var scenario: String
        public var verdict: Verdict
    }

    public var entries: [Entry]
    /// "kernel 6.1 (6.1.0-hmm)" and "simulated 6.1".
    public var realLabel: String
    public var simulatedLabel: String

    public var sameCount: Int { entries.filter { $0.verdict == .same }.count }
    public var differentCount: Int { entries.filter { if case .different = $0.verdict { return true }; return false }.count }
    public var skippedCount: Int { entries.filter { if case .skipped = $0.verdict { return true }; return false }.count }
    public var anyDifferent: Bool { differentCount > 0 }

    /// The verdict for a scenario by name.
    public subscript(_ scenario: String) -> Verdict? { entries.first { $0.scenario == scenario }?.verdict }

    /// Compares two reports scenario by scenario (in the real report's
    /// order, then scenarios only the simulated one has).
    public static func compare(real: ConformanceReport, simulated: ConformanceReport) -> ConformanceComparison {
        var entries: [Entry] = []
        let sims = Dictionary(simulated.scenarios.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for r in real.scenarios {
            guard let s = sims[r.name] else {
                entries.append(Entry(scenario: r.name, verdict: .different(["missing from the simulated report"])))
                continue
            }
            entries.append(Entry(scenario: r.name, verdict: verdict(r, s)))
        }
        let realNames = Set(real.scenarios.map(\.name))
        for s in simulated.scenarios where !realNames.contains(s.name) {
            // A scenario the simulator skipped too (its uapi lacks the
            // operation) cannot differ.
            let verdict: Verdict = s.status == .skipped
                ? .skipped("not in the real report; simulated: " + strip(s.reason))
                : .different(["missing from the real report"])
            entries.append(Entry(scenario: s.name, verdict: verdict))
        }
        return ConformanceComparison(
            entries: entries,
            realLabel: "\(real.backend.rawValue) \(real.uapi) (\(real.kernelRelease))",
            simulatedLabel: "\(simulated.backend.rawValue) \(simulated.uapi)")
    }

    static func verdict(_ r: ConformanceScenarioResult, _ s: ConformanceScenarioResult) -> Verdict {
        if r.status == .skipped { return .skipped("real: " + strip(r.reason)) }
        if s.status == .skipped { return .skipped("simulated: " + strip(s.reason)) }
        var lines: [String] = []
        for (i, (a, b)) in zip(r.steps, s.steps).enumerated() where a != b {
            if a.outcome == b.outcome && a.action == b.action { continue }
            lines.append("step \(i + 1) \(a.action): real \(a.outcome); sim \(b.outcome)")
        }
        if r.steps.count != s.steps.count {
            lines.append("real has \(r.steps.count) steps, simulated \(s.steps.count)")
        }
        return lines.isEmpty ? .same : .different(lines)
    }

    static func strip(_ reason: String?) -> String {
        let r = reason ?? "no reason given"
        return r.hasPrefix("skipped: ") ? String(r.dropFirst(9)) : r
    }

    /// One scenario's verdict as a JSON row.
    public struct Row: Codable, Equatable, Sendable {
        public var scenario: String
        /// "same", "different" or "skipped".
        public var verdict: String
        public var details: [String]
    }

    public var rows: [Row] {
        entries.map { e in
            switch e.verdict {
            case .same: return Row(scenario: e.scenario, verdict: "same", details: [])
            case .different(let d): return Row(scenario: e.scenario, verdict: "different", details: d)
            case .skipped(let why): return Row(scenario: e.scenario, verdict: "skipped", details: [why])
            }
        }
    }

    /// JSON: the two labels, the counts and one row per scenario.
    public func encoded() throws -> Data {
        struct Document: Encodable {
            var real: String
            var simulated: String
            var same: Int
            var different: Int
            var skipped: Int
            var scenarios: [Row]
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(Document(real: realLabel, simulated: simulatedLabel, same: sameCount,
                                     different: differentCount, skipped: skippedCount, scenarios: rows))
    }

    /// Text, at most `width` columns: one line per scenario (details under
    /// a different one), then a count line.
    public func render(width: Int = 72) -> String {
        var out = Self.wrap("Conformance: \(realLabel) vs \(simulatedLabel)", width: width, indent: "  ")
        for e in entries {
            switch e.verdict {
            case .same:
                out += Self.wrap("  same       \(e.scenario)", width: width, indent: "             ")
            case .different(let lines):
                out += Self.wrap("  DIFFERENT  \(e.scenario)", width: width, indent: "             ")
                for l in lines { out += Self.wrap("             - \(l)", width: width, indent: "               ") }
            case .skipped(let why):
                out += Self.wrap("  skipped    \(e.scenario): \(why)", width: width, indent: "             ")
            }
        }
        out += Self.wrap("\(sameCount) same, \(differentCount) different, \(skippedCount) skipped (\(entries.count) scenarios)",
                    width: width, indent: "  ")
        return out
    }
}

extension ConformanceComparison {
    /// Wraps one line to `width` columns at spaces, keeping its own spacing;
    /// continuation lines start with `indent`; a word longer than a line is
    /// cut. Returns the lines, each with a newline.
    static func wrap(_ text: String, width: Int, indent: String) -> String {
        var out = ""
        var rest = Substring(text)
        var first = true
        while true {
            let line = first ? rest : Substring(indent) + rest
            if line.count <= width {
                out += line + "\n"
                return out
            }
            let head = line.prefix(width)
            let minimum = first ? 1 : indent.count + 1
            let cut = head.lastIndex(of: " ").map { line.distance(from: line.startIndex, to: $0) } ?? 0
            let at = cut >= minimum ? cut : width
            var piece = line.prefix(at)
            while piece.last == " " { piece = piece.dropLast() }
            out += piece + "\n"
            rest = line.dropFirst(at).drop { $0 == " " }
            first = false
            if rest.isEmpty { return out }
        }
    }
}

extension ConformanceComparison {
    /// Runs `scenarios` on a simulator built like the real report's box
    /// (its uapi table; coherent devices when it had them; the profile of
    /// its kernel release unless `profile` is given) and compares. With
    /// `onlyChosen`, the real report is cut to the same scenarios.
    /// Returns the comparison and the simulator's own report.
    public static func simulator(against path: String, scenarios: [ConformanceScenario], onlyChosen: Bool,
                                 profile: SimulatorProfile? = nil) throws -> (ConformanceComparison, ConformanceReport) {
        var real = try ConformanceReport.read(from: path)
        let table: UAPITable
        do {
            table = try real.table()
        } catch let e as HMMBenchError {
            throw HMMBenchError(.data, "\(path): bad uapi table: \(e.message)")
        }
        let chosen = profile ?? SimulatorProfile.forRelease(real.kernelRelease)
            ?? table.generation.map(SimulatorProfile.forGeneration) ?? .v6_1
        let sim = SimulatedBackend(uapi: table, profile: chosen,
                                   coherentDevices: real.devices.contains(2) && real.devices.contains(3))
        let names = Set(real.scenarios.map(\.name))
        let simulated = ConformanceRunner.run(scenarios.filter { !onlyChosen || names.contains($0.name) }, on: sim,
                                              kernelRelease: "simulated")
        if onlyChosen { real.scenarios = real.scenarios.filter { s in scenarios.contains { $0.name == s.name } } }
        var comparison = compare(real: real, simulated: simulated)
        comparison.simulatedLabel += " (profile \(chosen.span))"
        return (comparison, simulated)
    }
}
