import Foundation

/// What `hmmbench list` shows: flows, their parameters, and the suites found.
public struct FlowListing: Codable, Sendable {
    /// One flow.
    public struct Entry: Codable, Sendable {
        public var name: String
        public var summary: String
        public var details: String
        public var parameters: [Parameter]
    }

    /// One parameter.
    public struct Parameter: Codable, Sendable {
        public var name: String
        public var defaultValue: String
        public var choices: [String]
        public var help: String

        enum CodingKeys: String, CodingKey {
            case name
            case defaultValue = "default"
            case choices, help
        }
    }

    /// One suite file.
    public struct SuiteEntry: Codable, Sendable {
        public var name: String
        public var description: String
        public var runs: Int
        /// Combinations its lines expand to that can never be valid, and
        /// why: they are not planned (never run, never reported as skips).
        public var leftOut: [Suite.LeftOut]

        enum CodingKeys: String, CodingKey {
            case name, description, runs
            case leftOut = "left_out"
        }
    }

    public var flows: [Entry]
    public var suites: [SuiteEntry]

    public static func make(catalog: FlowCatalog, only: String?, suiteDirectory: String?) throws -> FlowListing {
        let defs = try only.map { [try catalog.flow(named: $0)] } ?? catalog.flows
        let flows = defs.map { f in
            Entry(name: f.name, summary: f.summary, details: f.details,
                  parameters: f.parameters.map { Parameter(name: $0.name, defaultValue: $0.defaultValue, choices: $0.choices, help: $0.help) })
        }
        var suites: [SuiteEntry] = []
        if let suiteDirectory { try Suite.requireDirectory(suiteDirectory) }
        if only == nil {
            var seen = Set<String>()
            for dir in Suite.searchPath(explicit: suiteDirectory) {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".suite") }.sorted()
                for file in files where !seen.contains(file) {
                    seen.insert(file)
                    do {
                        let s = try Suite.load("\(dir)/\(file)", catalog: catalog)
                        suites.append(SuiteEntry(name: s.name, description: s.description, runs: s.entries.count,
                                                 leftOut: s.leftOut))
                    } catch {
                        // A broken suite is shown with its problem, not hidden.
                        suites.append(SuiteEntry(name: String(file.dropLast(6)), description: "BROKEN: \(error)", runs: 0,
                                                 leftOut: []))
                    }
                }
            }
        }
        return FlowListing(flows: flows, suites: suites)
    }

    public func text() -> String {
        var out: [String] = []
        for f in flows {
            out.append("\(f.name)")
            out.append("    \(f.summary)")
            // One flow asked for by name: also what exactly is timed.
            if flows.count == 1 { out += TextLayout.wrap("    " + f.details, indent: 0) }
            for p in f.parameters {
                let choices = p.choices.isEmpty ? "" : " [\(p.choices.joined(separator: "|"))]"
                out.append("    \(Format.padRight(p.name + "=" + p.defaultValue, 18)) \(p.help)\(choices)")
            }
        }
        if !suites.isEmpty {
            out.append("")
            out.append("suites (hmmbench run --suite NAME):")
            for s in suites {
                out.append("  \(Format.padRight(s.name, 14)) \(Format.pad(String(s.runs), 4)) runs  \(s.description)")
                out += Self.leftOutLines(s.leftOut)
            }
        }
        return out.joined(separator: "\n")
    }

    /// "leaves out 23 combinations that cannot be valid:" then one line per
    /// reason with the flows and how many of each.
    static func leftOutLines(_ leftOut: [Suite.LeftOut]) -> [String] {
        guard !leftOut.isEmpty else { return [] }
        let pad = String(repeating: " ", count: 22)
        var out = [pad + "leaves out \(leftOut.count) combination\(leftOut.count == 1 ? "" : "s") that cannot be valid:"]
        var reasons: [String] = []
        var flows: [String: [String]] = [:]
        for l in leftOut {
            if flows[l.reason] == nil { reasons.append(l.reason) }
            flows[l.reason, default: []].append(l.flow)
        }
        for r in reasons {
            let names = flows[r]!
            var seen: [String] = []
            for n in names where !seen.contains(n) { seen.append(n) }
            let counted = seen.map { n in "\(n) x\(names.filter { $0 == n }.count)" }.joined(separator: ", ")
            out += TextLayout.wrap("\(pad)  \(names.count): \(r): \(counted)", indent: 4)
        }
        return out
    }
}
