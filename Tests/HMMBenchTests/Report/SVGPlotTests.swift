import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("SVGPlot")
struct SVGPlotTests {
    typealias F = ReportFixtures

    static let rsvg: String? = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert", "/bin/rsvg-convert"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    func runs() -> [LoadedRun] {
        [F.loaded(F.record(F.sweep() + F.sweep("numa-move-pages", scale: 0.5)), "base.json"),
         F.loaded(F.record(F.sweep(scale: 0.8), environment: F.environment(virtualization: "tcg", kernel: "6.13.0")), "new.json")]
    }

    @Test func panelsSeriesAndStandaloneSVG() throws {
        let plot = try SVGPlot(runs: runs())
        #expect(plot.panels.map(\.title) == ["migrate-to-dev mapping=anon", "numa-move-pages mapping=anon"])
        #expect(plot.panels[0].series.map(\.run) == [0, 1])
        #expect(plot.panels[1].series.map(\.run) == [0])
        #expect(plot.panels[0].series[0].points.map(\.x) == [4096, 65536, 2_097_152, 16_777_216])
        for p in plot.panels[0].series[0].points { #expect(p.low <= p.y && p.y <= p.high) }
        let svg = plot.render()
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("width=\"\(plot.width)\" height=\"\(plot.height)\""))
        #expect(!svg.contains("href") && !svg.contains("<image") && !svg.contains("@import"))
        #expect(svg.components(separatedBy: "http").count == 2)   // only the xmlns
        #expect(svg.contains("base.json") && svg.contains("new.json") && svg.contains("kernel 6.13.0"))
        #expect(svg.contains("TCG"))
        #expect(svg.contains(">4K<") && svg.contains(">64K<") && svg.contains(">16M<"))
    }

    @Test func sizeFallsBackToBytesPerOp() throws {
        var r = F.result(meanNs: 1e6)
        r.params.removeValue(forKey: "size")
        let plot = try SVGPlot(runs: [F.loaded(F.record([r]), "x.json")])
        #expect(plot.panels.first?.series.first?.points.first?.x == 2_097_152)
    }

    @Test func nothingToPlotIsADataError() {
        #expect(throws: HMMBenchError.self) { try SVGPlot(runs: [F.loaded(F.record([]), "empty.json")]) }
    }

    @Test func writtenAtomicallyAndRendersToPNG() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = F.write(F.record(F.sweep() + F.sweep("numa-move-pages", scale: 0.5)), "base.json", in: dir)
        let b = F.write(F.record(F.sweep(scale: 0.8), environment: F.environment(kernel: "6.13.0")), "new.json", in: dir)
        let out = dir + "/plot.svg"
        let plot = try ReportTools.plot(paths: [a, b], out: out)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["base.json", "new.json", "plot.svg"])
        guard let rsvg = Self.rsvg else {
            print("SKIPPED PNG check: rsvg-convert not installed (apt-get install librsvg2-bin)")
            return
        }
        let png = dir + "/plot.png"
        let converted = try ChildProcess.run(rsvg, ["-o", png, out])
        #expect(converted.status == 0, "\(converted.stderr)")
        let data = try #require(FileManager.default.contents(atPath: png))
        #expect(data.count > 1000)
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func be32(_ o: Int) -> Int { bytes[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(16) == plot.width)
        #expect(be32(20) == plot.height)
        if let keep = ProcessInfo.processInfo.environment["HMMBENCH_KEEP_PLOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
        }
    }

    /// Each series carries its backend; failed and skipped entries are
    /// listed under their panel, or at the end when nothing was plotted
    /// for their flow.
    @Test func seriesBackendsAndOutcomeNotes() throws {
        var b = F.record(F.sweep(scale: 0.8), environment: F.environment(kernel: "6.13.0"))
        b.results.removeLast()
        b.failed = [FailedFlow(flow: "migrate-to-dev", params: ["size": "16M", "mapping": "anon"], stage: .measure,
                               reason: "ioctl: EINVAL (Invalid argument)", errno: 22)]
        b.skipped = [SkippedFlow(flow: "exclusive", params: ["size": "2M"], reason: "uapi 5.8 lacks it")]
        let a = F.record(F.sweep() + [F.result("numa-move-pages", meanNs: 1e6, backend: .simulated)])
        let plot = try SVGPlot(runs: [F.loaded(a, "a.json"), F.loaded(b, "b.json")])
        let mig = try #require(plot.panels.first { $0.title == "migrate-to-dev mapping=anon" })
        #expect(mig.series.map(\.label) == ["A kernel", "B kernel"])
        #expect(mig.notes == ["B size=16M: FAILED (measure, EINVAL): ioctl: EINVAL (Invalid argument)"])
        let numa = try #require(plot.panels.first { $0.title.hasPrefix("numa-move-pages") })
        #expect(numa.series.map(\.label) == ["A simulated"])
        #expect(plot.unplotted == ["B exclusive size=2M: skipped: uapi 5.8 lacks it"])
        let svg = plot.render()
        #expect(svg.contains(">A simulated<") && svg.contains(">B kernel<"))
        #expect(svg.contains("FAILED (measure, EINVAL)") && svg.contains("skipped: uapi 5.8 lacks it"))
        #expect(svg.contains("height=\"\(plot.height)\""))
    }
}
