/// Every flow hmmbench knows, by name.
public struct FlowCatalog: Sendable {
    public var flows: [FlowDefinition]

    public init(flows: [FlowDefinition]) { self.flows = flows }

    public func flow(named name: String) throws -> FlowDefinition {
        if let f = flows.first(where: { $0.name == name }) { return f }
        throw HMMBenchError.usage("unknown flow '\(name)'", hint: "flows: \(flows.map(\.name).joined(separator: ", ")); see 'hmmbench list'")
    }

    /// Completes `values` with defaults and rejects unknown parameters and
    /// values outside a parameter's choices.
    public func parameters(flow name: String, values: [String: String]) throws -> FlowParameters {
        let f = try flow(named: name)
        var out: [String: String] = [:]
        for (k, v) in values {
            guard let p = f.parameters.first(where: { $0.name == k }) else {
                throw HMMBenchError.usage("\(name): unknown parameter '\(k)'",
                                          hint: "parameters: \(f.parameters.map(\.name).joined(separator: ", "))")
            }
            if !p.choices.isEmpty, !p.choices.contains(v) {
                throw HMMBenchError.usage("\(name): \(k)=\(v) is not one of \(p.choices.joined(separator: ", "))")
            }
            out[k] = v
        }
        for p in f.parameters where out[p.name] == nil { out[p.name] = p.defaultValue }
        return FlowParameters(flow: name, values: out)
    }

    /// Parses `key=value[,value...]` words (a `--flow` command line, a
    /// suite line) into value lists. A key given twice or a value listed
    /// twice is an error, never "the last one wins".
    public static func assignments(_ words: [String]) throws -> [String: [String]] {
        var values: [String: [String]] = [:]
        var given: [String: String] = [:]
        for w in words {
            let kv = w.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                throw HMMBenchError.usage("'\(w)' is not key=value")
            }
            let (key, list) = (kv[0], kv[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init))
            if let first = given[key] {
                throw HMMBenchError.usage("parameter '\(key)' is given twice (\(first) and \(w))",
                                          hint: "give every value once, as one comma list: \(key)=\((values[key]! + list).joined(separator: ","))")
            }
            if list.contains(where: \.isEmpty) { throw HMMBenchError.usage("'\(w)' has an empty value in its comma list") }
            if let dup = list.first(where: { v in list.filter { $0 == v }.count > 1 }) {
                throw HMMBenchError.usage("'\(w)' lists \(dup) twice")
            }
            given[key] = w
            values[key] = list
        }
        return values
    }

    /// Every combination of comma-listed values.
    public func expand(flow name: String, values: [String: [String]]) throws -> [FlowParameters] {
        var combos: [[String: String]] = [[:]]
        for key in values.keys.sorted() {
            combos = combos.flatMap { c in values[key]!.map { v in c.merging([key: v]) { $1 } } }
        }
        return try combos.map { try parameters(flow: name, values: $0) }
    }
}
