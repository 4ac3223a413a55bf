/// The phases of one repetition as function_graph recorded them between
/// the repetition's two trace_marker lines: per phase the summed duration
/// and the call count, and the time of the outermost traced calls on the
/// CPU that wrote the markers (the measuring thread's), which is what the
/// repetition's time is split into.
public struct GraphRepetition: Equatable, Sendable {
    public var index: Int
    /// The CPU the markers were written on.
    public var cpu: Int
    public var phases: [String: PhaseTime]
    /// Sum of the durations of traced calls made on `cpu` with no traced
    /// caller: phases nest (lru_cache_disable inside move_pages), and this
    /// counts each nanosecond once.
    public var outermostNs: Double
}

/// What function_graph output held: the bracketed repetitions, and whether
/// the ring buffer dropped events (then some repetitions are short of calls).
public struct GraphTrace: Equatable, Sendable {
    public var repetitions: [GraphRepetition]
    /// The trace says events were lost ("[LOST n EVENTS]").
    public var lostEvents: Bool
    /// Repetitions whose begin marker has no end marker.
    public var unclosed: [Int]
    /// Phase -> the phase it was called from, as seen inside the brackets
    /// (lru_cache_disable -> move_pages); outermost phases are absent.
    public var nesting: [String: String] = [:]
}

/// Parses function_graph output (`trace`, options funcgraph-cpu on,
/// funcgraph-proc and funcgraph-abstime off) whose repetitions are
/// bracketed by trace_marker lines `hmmbench rep N begin` / `hmmbench rep
/// N end`:
///
///      0)               |  /* hmmbench rep 0 begin */
///      0)               |  migrate_vma_setup() {
///      0) + 12.345 us   |  }
///      0)   1.234 us    |  dmirror_do_read [test_hmm]();
///      0)               |  /* hmmbench rep 0 end */
///
/// Calls outside a bracket are ignored; lines it does not know (headers,
/// task-switch banners) are skipped.
public enum GraphTraceParser {
    /// The marker text of repetition `index`'s start or end.
    public static func marker(_ index: Int, begin: Bool) -> String {
        "hmmbench rep \(index) \(begin ? "begin" : "end")"
    }

    public static func parse(_ text: String, phases: PhaseResolution) -> GraphTrace {
        var stacks: [Int: [String]] = [:]
        var open: (index: Int, cpu: Int)?
        var current: GraphRepetition?
        var done: [GraphRepetition] = []
        var unclosed: [Int] = []
        var lost = false
        var nesting: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            if line.contains("LOST") && line.contains("EVENTS") { lost = true; continue }
            guard let paren = line.firstIndex(of: ")"), let cpu = Int(line[..<paren].trimmingCharacters(in: .whitespaces)),
                  let bar = line[paren...].firstIndex(of: "|") else { continue }
            let durationText = line[line.index(after: paren)..<bar]
            let call = line[line.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            if call.hasPrefix("/*") {
                let body = call.dropFirst(2).replacingOccurrences(of: "*/", with: "").trimmingCharacters(in: .whitespaces)
                let words = body.split(separator: " ")
                guard words.count == 4, words[0] == "hmmbench", words[1] == "rep", let n = Int(words[2]) else { continue }
                if words[3] == "begin" {
                    if let o = open { unclosed.append(o.index) }
                    open = (n, cpu)
                    current = GraphRepetition(index: n, cpu: cpu, phases: [:], outermostNs: 0)
                } else if words[3] == "end", let c = current, c.index == n {
                    done.append(c)
                    current = nil
                    open = nil
                }
                continue
            }
            var name: String?
            var depth = 0
            if call.hasSuffix("{") {
                stacks[cpu, default: []].append(String(call.dropLast().trimmingCharacters(in: .whitespaces).dropLast(2)))
                continue
            } else if call.hasPrefix("}") {
                let tail = call.dropFirst().trimmingCharacters(in: .whitespaces)
                name = stacks[cpu]?.popLast()
                if name == nil, tail.hasPrefix("/*") {
                    name = tail.dropFirst(2).replacingOccurrences(of: "*/", with: "").trimmingCharacters(in: .whitespaces)
                }
                depth = stacks[cpu]?.count ?? 0
            } else if call.hasSuffix("();") {
                name = String(call.dropLast(3))
                depth = stacks[cpu]?.count ?? 0
            }
            guard let name, var rep = current, let ns = duration(durationText),
                  let phase = phases.phase(ofFunction: name) else { continue }
            if depth > 0, let caller = stacks[cpu]?.last.flatMap(phases.phase(ofFunction:)), caller != phase {
                nesting[phase] = caller
            }
            rep.phases[phase, default: PhaseTime()].add(ns)
            if cpu == rep.cpu && depth == 0 { rep.outermostNs += ns }
            current = rep
        }
        if let o = open { unclosed.append(o.index) }
        return GraphTrace(repetitions: done, lostEvents: lost, unclosed: unclosed, nesting: nesting)
    }

    /// "+ 12.345 us" -> 12345 ns; nil when the field has no duration.
    static func duration(_ text: Substring) -> Double? {
        let tokens = text.split(separator: " ")
        guard let u = tokens.firstIndex(of: "us"), u > tokens.startIndex, let us = Double(tokens[u - 1]) else { return nil }
        return us * 1000
    }
}
