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
    static func variant(_ path: String, name: String, factor: Double? = nil, backend: String? = nil) throws -> String {
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        if let backend {
            var env = obj["environment"] as! [String: Any]
            env["backend"] = backend
            obj["environment"] = env
        }
        if factor != nil || backend != nil {
            obj["results"] = (obj["results"] as! [[String: Any]]).map { r in
                var r = r
                if let backend { r["backend"] = backend }
                if let factor {
                    // Stats must match the samples: keep them only as n (the reader checks n).
                    r["samples_ns"] = (r["samples_ns"] as! [NSNumber]).map { Int(Double($0.intValue) * factor) }
                }
                return r
            }
        }
        let out = CLI.temporaryFile(name)
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: out))
        return out
    }

    @Test func compareFitsSeventyTwoColumnsAndNamesTheDirection() throws {
        let r = try CLI.run(["compare", Self.runs.0, Self.runs.1])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("lower is better"))
        #expect(r.stdout.contains("higher is better"))
        for line in r.stdout.split(separator: "\n") { #expect(line.count <= 72, "too wide: \(line)") }
        #expect(r.stdout.contains("SIMULATED"))
    }

    @Test func regressionGateExitsOneOnlyForASignificantRegression() throws {
        let slow = try Self.variant(Self.runs.0, name: "cmp-slow.json", factor: 2.0)
        let gate = try CLI.run(["compare", Self.runs.0, slow, "--fail-on-regression", "5", "--noise-cv", "10"])
        #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("*"))
        let same = try CLI.run(["compare", Self.runs.0, Self.runs.0, "--fail-on-regression", "5"])
        #expect(same.status == 0, "\(same.stderr)")
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
        #expect(!svg.contains("http://") || svg.contains("http://www.w3.org/2000/svg"))
    }
}
