/// CSV (RFC 4180 quoting) for scripts and spreadsheets: one header row,
/// then one row per number, each carrying the run's backend and
/// virtualization so no row is separated from its context.
public struct CSVExporter: ReportExporter {
    public var format: ReportFormat { .csv }

    public init() {}

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        return String(v)
    }

    func line(_ fields: [String]) -> String {
        fields.map(Self.field).joined(separator: ",")
    }

    public func render(_ c: Comparison) -> String {
        let byLabel = Dictionary(uniqueKeysWithValues: c.runs.map { ($0.label, $0) })
        let header = ["key", "flow", "params", "metric", "unit", "lower_is_better", "run", "file", "backend",
                      "virtualization", "kernel", "complete", "n", "mean", "median", "stddev", "cv", "change_pct",
                      "change_ci95_low", "change_ci95_high", "welch_t", "welch_df", "welch_p", "mann_whitney_u",
                      "mann_whitney_p", "mann_whitney_method", "p_value", "bh_q", "tests", "significant", "noisy",
                      "simulated_result", "verdict", "mixed_backends"]
        var out = [line(header)]
        let mixed = c.mixedBackends ? "true" : "false"
        let tests = String(c.multipleTesting.tests)
        func context(_ run: String, _ file: String) -> [String] {
            let h = byLabel[run]!
            return [run, file, h.backend.rawValue, h.virtualization, h.kernel, h.complete ? "true" : "false"]
        }
        for r in c.results {
            let params = r.params.keyValueText
            for m in r.metrics {
                for x in m.cells {
                    let t = r.tests.first { $0.run == x.run }
                    out.append(line([r.key, r.flow, params, m.name, m.unit, m.lowerIsBetter ? "true" : "false"]
                                    + context(x.run, byLabel[x.run]!.file)
                                    + [String(x.n), Self.number(x.mean), Self.number(x.median), Self.number(x.stddev),
                                       Self.number(x.cv), Self.number(x.changePct), Self.number(x.changeCI95Low),
                                       Self.number(x.changeCI95High), Self.number(t?.welch?.t),
                                       Self.number(t?.welch?.degreesOfFreedom), Self.number(t?.welch?.p),
                                       Self.number(t?.mannWhitney?.u), Self.number(t?.mannWhitney?.p),
                                       t?.mannWhitney?.method.rawValue ?? "", Self.number(t?.p), Self.number(t?.q), tests,
                                       x.significant ? "true" : "false", (t?.noisy ?? false) ? "true" : "false",
                                       r.simulated ? "true" : "false", x.verdict, mixed]))
                }
            }
        }
        let blank = Array(repeating: "", count: 20)
        for u in c.unmatched {
            out.append(line([u.key, "", "", "", "", ""] + context(u.run, u.file) + blank + ["unmatched: " + u.reason, mixed]))
        }
        for o in c.outcomes {
            out.append(line([o.key, o.flow, o.params.keyValueText, "", "", ""] + context(o.run, o.file) + blank
                            + ["\(o.kind.rawValue): " + o.summaryReason, mixed]))
        }
        return out.joined(separator: "\n") + "\n"
    }

    public func render(_ r: RunReport) -> String {
        let h = r.run
        var out = [line(["file", "backend", "virtualization", "kernel", "uapi", "complete", "key", "flow", "params",
                         "result_backend", "n", "mean_ns", "median_ns", "stddev_ns", "cv", "p99_ns", "ci95_low_ns",
                         "ci95_high_ns", "gib_per_s_mean", "gib_per_s_ci95_low", "gib_per_s_ci95_high",
                         "pages_per_s_mean", "copy_bandwidth_ratio", "check_passed", "check_detail"]
                        + NotableCounters.all.map(\.name) + ["outcome", "stage", "errno_name", "reason"])]
        let common = [h.file, h.backend.rawValue, h.virtualization, h.kernel, h.uapi, h.complete ? "true" : "false"]
        for x in r.results {
            let params = x.params.keyValueText
            let t = x.time, g = x.gibPerS
            out.append(line(common + [x.key, x.flow, params, x.backend.rawValue, String(t.n),
                                      Self.number(t.mean), Self.number(t.median), Self.number(t.stddev), Self.number(t.cv),
                                      Self.number(t.p99), Self.number(t.ci95Low), Self.number(t.ci95High),
                                      Self.number(g.mean), Self.number(g.ci95Low), Self.number(g.ci95High),
                                      Self.number(x.pagesPerSMean), Self.number(x.copyBandwidthRatio),
                                      x.checkPassed ? "true" : "false", x.checkDetail]
                            + NotableCounters.all.map { Self.number(x.notableCounters[$0.name]) } + ["result", "", "", ""]))
        }
        for o in r.outcomes {
            out.append(line(common + [o.key.trimmingTrailingSpace, o.flow, o.params.keyValueText]
                            + Array(repeating: "", count: 16 + NotableCounters.all.count)
                            + [o.kind.rawValue, o.stage ?? "", o.errnoName ?? "", o.reason]))
        }
        return out.joined(separator: "\n") + "\n"
    }
}
