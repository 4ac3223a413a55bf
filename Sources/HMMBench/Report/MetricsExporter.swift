/// Flat `key: value` lines, numbers only: the contract of LKP's stats
/// parsers (`programs/NAME/parse` prints exactly this) and what LAVA's
/// `lava-test-case NAME --measurement V` takes. Every line matches
/// `^[a-z0-9_.-]+: -?[0-9.e+-]+$`; a value that is not a finite number
/// (n/a below 2 samples) is left out, never written as text.
///
/// Keys are `FLOW.PARAM-VALUE....METRIC` (parameters sorted by name,
/// lowercased, any other character turned into `-`); in a comparison the
/// run's label follows the metric (`....time_mean_ns.b`). A failed or
/// skipped measurement is one line, `KEY.failed: 1` or `KEY.skipped: 1`,
/// so a missing number is never silent.
public struct MetricsExporter: ReportExporter {
    public var format: ReportFormat { .metrics }

    public init() {}

    /// `s` with every character outside [a-z0-9_.-] made `-`, lowercased.
    static func token(_ s: String) -> String {
        String(s.lowercased().map { c -> Character in
            (c.isASCII && (c.isLetter || c.isNumber)) || c == "_" || c == "." || c == "-" ? c : "-"
        })
    }

    /// The key prefix of a flow and its parameters.
    static func key(flow: String, params: [String: String]) -> String {
        ([token(flow)] + params.sorted { $0.key < $1.key }.map { token($0.key) + "-" + token($0.value) })
            .joined(separator: ".")
    }

    static func line(_ key: String, _ value: Double?) -> String? {
        guard let value, value.isFinite else { return nil }
        // Integral values without a fraction; others in Swift's shortest
        // round-trip form (digits, '.', 'e', sign only).
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return "\(key): \(text)"
    }

    public func render(_ r: RunReport) -> String {
        var out: [String] = []
        for x in r.results {
            let k = Self.key(flow: x.flow, params: x.params)
            let pairs: [(String, Double?)] = [
                ("time_n", Double(x.time.n)), ("time_mean_ns", x.time.mean), ("time_median_ns", x.time.median),
                ("time_stddev_ns", x.time.stddev), ("time_cv", x.time.cv), ("time_p99_ns", x.time.p99),
                ("gib_per_s_mean", x.gibPerS.mean), ("gib_per_s_median", x.gibPerS.median),
                ("pages_per_s_mean", x.pagesPerSMean), ("copy_bandwidth_ratio", x.copyBandwidthRatio),
            ]
            out += pairs.compactMap { Self.line("\(k).\($0.0)", $0.1) }
            out += x.notableCounters.sorted { $0.key < $1.key }.compactMap { Self.line("\(k).counter.\(Self.token($0.key))", $0.value) }
            out += x.derived.sorted { $0.key < $1.key }.compactMap { Self.line("\(k).\(Self.token($0.key))", $0.value) }
        }
        out += outcomeLines(r.outcomes, withRun: false)
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    public func render(_ c: Comparison) -> String {
        var out: [String] = []
        for r in c.results {
            let k = Self.key(flow: r.flow, params: r.params)
            for m in r.metrics {
                let metric = m.name == "time" ? "time" : Self.token(m.unit == "GiB/s" ? "gib_per_s" : m.name)
                for x in m.cells {
                    let run = Self.token(x.run)
                    out += [("mean", x.mean), ("median", x.median), ("cv", x.cv), ("change_pct", x.changePct)]
                        .compactMap { Self.line("\(k).\(metric)_\($0.0).\(run)", $0.1) }
                }
            }
            for t in r.tests {
                let run = Self.token(t.run)
                out += [("p", t.p), ("q", t.q), ("welch_p", t.welch?.p), ("mann_whitney_p", t.mannWhitney?.p),
                        ("significant", t.significant ? 1 : 0)]
                    .compactMap { Self.line("\(k).\($0.0).\(run)", $0.1) }
            }
        }
        out += outcomeLines(c.outcomes, withRun: true)
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    func outcomeLines(_ outcomes: [OutcomeEntry], withRun: Bool) -> [String] {
        outcomes.compactMap { o in
            let suffix = withRun ? "." + Self.token(o.run) : ""
            return Self.line("\(Self.key(flow: o.flow, params: o.params)).\(o.kind.rawValue)\(suffix)", 1)
        }
    }
}
