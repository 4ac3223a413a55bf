import Foundation
import Testing

/// compare, report and plot as a script or a reviewer uses them.
@Suite(.serialized)
struct CompareAndReportTests {
    /// Two quick simulated runs, made once.
    static let runs: (String, String) = {
        let a = CLI.temporaryFile("cmp-a.json"), b = CLI.temporaryFile("cmp-b.json")
        for f in [a, b] {
            _ = try? CLI.run(["run", "--backend", "sim", "--flow", "migrate-to-dev", "size=64K,256K", "-n", "5",
                              "--warmup", "1", "-q", "--out", f])
        }
        return (a, b)
    }()

    /// A copy of `path` with every sample multiplied by `factor` and the
    /// backend replaced, to make a known regression or a mixed pair.
    /// With `fixed`, every result's samples are replaced by five fixed
    /// values (times `factor`), so the comparison does not depend on how
    /// noisy the simulator was this time.
    static func variant(_ path: String, name: String, factor: Double? = nil, backend: String? = nil,
                        fixed: Bool = false) throws -> String {
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        if let backend {
            var env = obj["environment"] as! [String: Any]
            env["backend"] = backend
            obj["environment"] = env
        }
        if factor != nil || backend != nil || fixed {
            obj["results"] = (obj["results"] as! [[String: Any]]).map { r in
                var r = r
                if let backend { r["backend"] = backend }
                if fixed {
                    var stats = r["stats"] as! [String: Any]
                    stats["n"] = 5
                    r["stats"] = stats
                    r["samples_ns"] = [100_000.0, 101_000, 99_000, 100_500, 99_500].map { $0 * (factor ?? 1) }
                } else if let factor {
                    // Stats must match the samples: keep them only as n (the reader checks n).
                    r["samples_ns"] = (r["samples_ns"] as! [NSNumber]).map { $0.doubleValue * factor }
                }
                return r
            }
        }
        let out = CLI.temporaryFile(name)
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: out))
        return out
    }

    /// A pair of files where the second has a failure (an injected
    /// unknown request number: EINVAL) and a skip (the injected table has
    /// no exclusive operation), made once.
    static let failurePair: (String, String) = {
        let suite = CLI.temporaryFile("outcomes.suite")
        try? "migrate-to-dev size=64K\nfault-read size=64K\nexclusive size=64K phase=make\n"
            .write(toFile: suite, atomically: true, encoding: .utf8)
        let a = CLI.temporaryFile("outcomes-a.json"), b = CLI.temporaryFile("outcomes-b.json")
        _ = try? CLI.run(["run", "--backend", "sim", "--suite", suite, "-n", "5", "--warmup", "0", "-q", "--out", a])
        _ = try? CLI.run(["run", "--backend", "sim", "--uapi-table", "read=0,write=1,migrate-to-dev=66,migrate-to-sys=3,snapshot=4",
                          "--suite", suite, "-n", "5", "--warmup", "0", "-q", "--out", b])
        return (a, b)
    }()

    @Test func compareFitsSeventyTwoColumnsAndNamesTheDirection() throws {
        let r = try CLI.run(["compare", Self.runs.0, Self.runs.1])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("lower is better"))
        #expect(r.stdout.contains("higher is better"))
        for line in r.stdout.split(separator: "\n") { #expect(line.count <= 72, "too wide: \(line)") }
        #expect(r.stdout.contains("SIMULATED"))
        // The statistics a reviewer checks by hand, per result and run.
        for needle in ["95% CI of change", "Welch t ", " df ", "U p ", "q ", "Benjamini-Hochberg",
                       "Tests: 2, one per result and run", "by chance alone"] {
            #expect(r.stdout.contains(needle), "missing \(needle)")
        }
        let testLines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  B vs A") }
        #expect(testLines.count == 2, "\(r.stdout)")
    }

    @Test func regressionGateExitsOneOnlyForASignificantRegression() throws {
        // Five fixed samples a result, all twice as slow: exact U p = 2/252
        // for each of the two results, well inside Benjamini-Hochberg at 0.05.
        let base = try Self.variant(Self.runs.0, name: "cmp-base.json", fixed: true)
        let slow = try Self.variant(Self.runs.0, name: "cmp-slow.json", factor: 2.0, fixed: true)
        // Simulated runs only: the gate says why it does not apply, exit 0.
        let sim = try CLI.run(["compare", base, slow, "--fail-on-regression", "5"])
        #expect(sim.status == 0, "\(sim.stdout)\(sim.stderr)")
        #expect(sim.stdout.contains("): not applied\n  every run is simulated"), "\(sim.stdout)")
        #expect(sim.stdout.contains("not counted (simulated)"))
        let gate = try CLI.run(["compare", base, slow, "--fail-on-regression", "5", "--gate-simulated"])
        #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("*") && gate.stdout.contains("FAIL"))
        // The same regression on kernel numbers fails the gate by default.
        let kernelBase = try Self.variant(Self.runs.0, name: "cmp-kbase.json", backend: "kernel", fixed: true)
        let kernelSlow = try Self.variant(Self.runs.0, name: "cmp-kslow.json", factor: 2.0, backend: "kernel", fixed: true)
        let kernel = try CLI.run(["compare", kernelBase, kernelSlow, "--fail-on-regression", "5"])
        #expect(kernel.status == 1, "\(kernel.stdout)\(kernel.stderr)")
        let same = try CLI.run(["compare", kernelBase, kernelBase, "--fail-on-regression", "5"])
        #expect(same.status == 0, "\(same.stderr)")
    }

    @Test func failedAndSkippedEntriesGetARowEverywhere() throws {
        let (a, b) = Self.failurePair
        let cmp = try CLI.run(["compare", a, b])
        #expect(cmp.status == 0, "\(cmp.stderr)")
        for line in cmp.stdout.split(separator: "\n") { #expect(line.count <= 72, "too wide: \(line)") }
        #expect(cmp.stdout.contains("Failed and skipped entries"), "\(cmp.stdout)")
        #expect(cmp.stdout.contains("B outcomes-b.json: 1 failed, 1 skipped"), "\(cmp.stdout)")
        #expect(cmp.stdout.contains("FAILED (measure, EINVAL)") || cmp.stdout.contains("FAILED (prepare, EINVAL)"), "\(cmp.stdout)")
        #expect(cmp.stdout.contains("skipped: "))
        #expect(cmp.stdout.contains("only in baseline; failed in B"), "\(cmp.stdout)")
        for format in ["markdown", "csv", "json"] {
            let out = try CLI.run(["compare", a, b, "--format", format])
            #expect(out.status == 0)
            #expect(out.stdout.contains("EINVAL") && out.stdout.contains("exclusive"), "\(format)")
        }
        for format in ["text", "markdown", "csv", "json"] {
            let rep = try CLI.run(["report", b, "--format", format])
            #expect(rep.status == 0, "\(format): \(rep.stderr)")
            #expect(rep.stdout.contains("EINVAL") && rep.stdout.contains("migrate-to-dev"), "\(format)")
            #expect(rep.stdout.contains("exclusive"), "\(format)")
        }
        let svg = CLI.temporaryFile("outcomes.svg")
        let plot = try CLI.run(["plot", a, b, "--out", svg])
        #expect(plot.status == 0, "\(plot.stderr)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("FAILED (") && text.contains("EINVAL") && text.contains("skipped: "))
    }

    @Test func mixedBackendsAreRefusedUnlessAllowed() throws {
        let kernel = try Self.variant(Self.runs.1, name: "cmp-kernel.json", backend: "kernel")
        let refused = try CLI.run(["compare", Self.runs.0, kernel])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("simulated"))
        let allowed = try CLI.run(["compare", Self.runs.0, kernel, "--allow-mixed"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("MIXED BACKENDS"))
    }

    @Test func badFilesAreOneLineErrorsNamingTheFile() throws {
        let empty = CLI.temporaryFile("empty.json")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let junk = CLI.temporaryFile("junk.json")
        try Data("{\"schema_version\": 1, \"results\": [".utf8).write(to: URL(fileURLWithPath: junk))
        let future = CLI.temporaryFile("future.json")
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.runs.0))) as? [String: Any])
        obj["schema_version"] = 99
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: future))
        for (args, needle) in [([Self.runs.0, "/nonexistent/x.json"], "/nonexistent/x.json"),
                               ([Self.runs.0, empty], "empty.json"),
                               ([Self.runs.0, junk], "junk.json"),
                               ([Self.runs.0, future], "future.json"),
                               ([Self.runs.0], "")] {
            let r = try CLI.run(["compare"] + args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.hasPrefix("hmmbench: error:") || r.stderr.contains("Error:"), "\(args): \(r.stderr)")
            if !needle.isEmpty { #expect(r.stderr.contains(needle), "\(args): \(r.stderr)") }
        }
    }

    @Test func everyFormatOfReportAndCompare() throws {
        for format in ["text", "markdown", "csv", "json"] {
            let rep = try CLI.run(["report", Self.runs.0, "--format", format])
            #expect(rep.status == 0, "\(format): \(rep.stderr)")
            let cmp = try CLI.run(["compare", Self.runs.0, Self.runs.1, "--format", format])
            #expect(cmp.status == 0, "\(format): \(cmp.stderr)")
            if format == "json" {
                #expect((try? JSONSerialization.jsonObject(with: Data(cmp.stdout.utf8))) != nil)
                #expect((try? JSONSerialization.jsonObject(with: Data(rep.stdout.utf8))) != nil)
            }
            if format == "csv" { #expect(cmp.stdout.split(separator: "\n").count > 2) }
            if format == "markdown" { #expect(cmp.stdout.contains("|")) }
        }
    }

    @Test func plotWritesAStandaloneSVG() throws {
        let out = CLI.temporaryFile("plot.svg")
        let r = try CLI.run(["plot", Self.runs.0, Self.runs.1, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let svg = try String(contentsOfFile: out, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
        #expect(svg.contains("</svg>"))
        // Standalone: apart from the SVG namespace itself, no reference
        // to anything outside the file (links, images, fonts, styles).
        let outside = svg.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        for needle in ["http:", "https:", "href", "url(", "@import", "<image", "<script"] {
            #expect(!outside.contains(needle), "refers outside the file: \(needle)")
        }
        // Each series is labelled with its run, kernel and backend.
        let labels = svg.components(separatedBy: "class=\"series-label\"><title>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(labels.count == 2 && labels[0].hasPrefix("A ") && labels[1].hasPrefix("B "), "\(labels)")
        #expect(labels.allSatisfy { $0.contains(" simulated") }, "\(labels)")
    }
}
