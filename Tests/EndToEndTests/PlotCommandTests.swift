import Foundation
import Testing

/// `hmmbench plot` as a reviewer uses it: --flow, --json, and the
/// one-line refusals of bad input.
@Suite(.serialized)
struct PlotCommandTests {
    /// A small simulated run with two flows, made once.
    static let run: String = {
        let suite = CLI.temporaryFile("plot.suite")
        try? "migrate-to-dev size=64K,256K\nmigrate-to-sys size=64K\n".write(toFile: suite, atomically: true, encoding: .utf8)
        let out = CLI.temporaryFile("plot-run.json")
        _ = try? CLI.run(["run", "--backend", "sim", "--suite", suite, "-n", "3", "--warmup", "0", "-q", "--out", out])
        return out
    }()

    @Test func flowFilterAndJSON() throws {
        let svg = CLI.temporaryFile("plot-flow.svg")
        let r = try CLI.run(["plot", Self.run, "--flow", "migrate-to-sys", "--out", svg, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 panels") && r.stderr.contains(svg), "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["out"] as? String == svg)
        let plot = try #require(obj["plot"] as? [String: Any])
        let panels = try #require(plot["panels"] as? [[String: Any]])
        #expect(panels.map { $0["flow"] as? String } == ["migrate-to-sys"])
        let series = try #require(panels[0]["series"] as? [[String: Any]])
        #expect(series.count == 1 && series[0]["backend"] as? String == "simulated")
        #expect((series[0]["label"] as? String)?.hasPrefix("A ") == true)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains(">migrate-to-sys<") && !text.contains(">migrate-to-dev<"))

        let both = try CLI.run(["plot", Self.run, "--flow", "migrate-to-sys,migrate-to-dev", "--out", svg])
        #expect(both.status == 0 && both.stderr.contains("2 panels"), "\(both.stderr)")
    }

    /// Unknown or absent flows, empty names, no files and files with
    /// nothing to plot: exit 2, one line of reason (a hint may follow).
    @Test func badInputIsExit2WithOneLineReason() throws {
        let svg = CLI.temporaryFile("plot-bad.svg")
        let empty = CLI.temporaryFile("plot-empty.json")
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.run))) as? [String: Any])
        obj["results"] = [[String: Any]]()
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: empty))
        for (args, needle) in [([Self.run, "--flow", "migrate-to-dve"], "unknown flow"),
                               ([Self.run, "--flow", "exclusive"], "no result, failure or skip"),
                               ([Self.run, "--flow", "migrate-to-sys,"], "empty flow name"),
                               ([empty], "no results with samples to plot"),
                               ([], "at least one result file")] {
            let r = try CLI.run(["plot"] + args + ["--out", svg])
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.first?.hasPrefix("hmmbench: error: ") == true && lines.first?.contains(needle) == true, "\(args): \(r.stderr)")
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  hint: ") }, "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: svg))
    }

    @Test func helpTeachesTheLayout() throws {
        let r = try CLI.run(["plot", "--help"])
        #expect(r.status == 0)
        for needle in ["one panel per flow", "log2", "--flow", "--json", "rsvg-convert", "Exit codes"] {
            #expect(r.stdout.contains(needle), "\(needle)")
        }
    }
}
