import Foundation

/// KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst), as
/// kselftest prints it: the version line, a plan `1..N`, then one test per
/// planned measurement: `ok N NAME` for a result, `not ok N NAME` for a
/// failure (or a result whose post-check failed), `ok N NAME # SKIP
/// reason` for a skip. KTAP has no numeric field, so a test's figures
/// (n, median, mean, CV, throughput, the notable counters) are `#`
/// diagnostic lines directly before its result line, keyed like
/// `--format metrics`; a failure's reason is a `#` line there too. The run
/// header follows the plan as `#` lines, and the last line is kselftest's
/// `# Totals: pass:P fail:F xfail:0 xpass:0 skip:S error:0`.
///
/// An incomplete run (interrupted) gets one more test, `not ok N run
/// complete`, so that a parser counts the missing measurements as a
/// failure instead of a pass. A comparison has no pass or fail per
/// result: rendering one is a usage error.
public struct KTAPExporter: ReportExporter {
    public var format: ReportFormat { .ktap }

    public init() {}

    /// The name of the extra test an incomplete run ends with.
    public static let completeTestName = "run complete"

    public func render(_ r: RunReport) -> String {
        var tests: [(ok: Bool, name: String, directive: String?, diagnostics: [String])] = []
        for x in r.results {
            var d: [(String, Double?)] = [
                ("time_n", Double(x.time.n)), ("time_median_ns", x.time.median), ("time_mean_ns", x.time.mean),
                ("time_cv", x.time.cv), ("gib_per_s_mean", x.gibPerS.mean), ("pages_per_s_mean", x.pagesPerSMean),
            ]
            d += x.notableCounters.sorted { $0.key < $1.key }.map { ("counter." + MetricsExporter.token($0.key), $0.value) }
            var lines = d.compactMap { MetricsExporter.line($0.0, $0.1) }
            if x.time.n < 2 { lines.append("time_cv: n/a (fewer than 2 samples)") }
            lines.append("check: " + (x.checkPassed ? "ok" : "FAILED") + (x.checkDetail.isEmpty ? "" : ": " + x.checkDetail))
            tests.append((x.checkPassed, Self.name(x.flow, x.params), nil, lines))
        }
        for o in r.failed {
            tests.append((false, Self.name(o.flow, o.params), nil, [o.summary]))
        }
        for o in r.skipped {
            tests.append((true, Self.name(o.flow, o.params), "SKIP " + Self.oneLine(o.reason), []))
        }
        if !r.run.complete {
            tests.append((false, Self.completeTestName, nil, ["incomplete: " + (r.run.incompleteReason ?? "run did not finish")]))
        }

        var out = ["KTAP version 1", "1..\(tests.count)"]
        let h = r.run
        out.append("# hmmbench \(h.hmmbenchVersion): \(h.summary)")
        out.append("# file \(h.file), started \(h.startedAt)" + (h.suite.map { ", suite \($0)" } ?? ""))
        out += r.banners.map { "# !! " + $0 }
        for (i, t) in tests.enumerated() {
            out += t.diagnostics.map { "# " + Self.oneLine($0) }
            out.append("\(t.ok ? "ok" : "not ok") \(i + 1) \(t.name)" + (t.directive.map { " # " + $0 } ?? ""))
        }
        let tally = Tally(r)
        out.append("# Totals: pass:\(tally.passed) fail:\(tally.failed) xfail:0 xpass:0 skip:\(tally.skipped) error:0")
        return out.joined(separator: "\n") + "\n"
    }

    public func render(_ c: Comparison) throws -> String {
        throw HMMBenchError.usage("--format ktap renders one run: a comparison has no pass or fail per result",
                                  hint: "use 'hmmbench report RUN.json --format ktap', or --format metrics for compare")
    }

    /// A test's description: the match key with anything KTAP reads as
    /// the start of a directive (`#`) or a line break made harmless.
    static func name(_ flow: String, _ params: [String: String]) -> String {
        oneLine(flowMatchKey(flow, params)).replacingOccurrences(of: "#", with: "_")
            .trimmingCharacters(in: .whitespaces)
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A run's tests counted as kselftest counts them, and the exit code
    /// kselftest's runner reads: 1 when any failed (a failure, a failed
    /// post-check, an incomplete run), else 4 when nothing was measured
    /// (everything skipped), else 0. kselftest counts a skip beside passes
    /// as a pass (`ksft_finished`).
    public struct Tally: Equatable, Sendable {
        public var passed: Int
        public var failed: Int
        public var skipped: Int

        public init(_ r: RunReport) {
            passed = r.results.filter(\.checkPassed).count
            failed = r.results.count - passed + r.failed.count + (r.run.complete ? 0 : 1)
            skipped = r.skipped.count
        }

        /// kselftest's KSFT_PASS, KSFT_FAIL and KSFT_SKIP.
        public static let pass: Int32 = 0, fail: Int32 = 1, skip: Int32 = 4

        public var exitCode: Int32 {
            if failed > 0 { return Self.fail }
            if passed == 0 { return Self.skip }
            return Self.pass
        }
    }
}
