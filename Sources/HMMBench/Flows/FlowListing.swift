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
        if only == nil {
            var seen = Set<String>()
            for dir in Suite.searchPath(explicit: suiteDirectory) {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".suite") }.sorted()
                for file in files where !seen.contains(file) {
                    seen.insert(file)
                    do {
                        let s = try Suite.load("\(dir)/\(file)", catalog: catalog)
                        suites.append(SuiteEntry(name: s.name, description: s.description, runs: s.entries.count))
                    } catch {
                        // A broken suite is shown with its problem, not hidden.
                        suites.append(SuiteEntry(name: String(file.dropLast(6)), description: "BROKEN: \(error)", runs: 0))
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
            for s in suites { out.append("  \(Format.padRight(s.name, 14)) \(Format.pad(String(s.runs), 4)) runs  \(s.description)") }
        }
        return out.joined(separator: "\n")
    }
}
