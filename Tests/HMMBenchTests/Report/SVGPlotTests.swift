import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("SVGPlot")
struct SVGPlotTests {
    typealias F = ReportFixtures

    static let rsvg: String? = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert", "/bin/rsvg-convert"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A sweep of `flow` for each mapping in `mappings`.
    static func sweeps(_ flow: String = "migrate-to-dev", mappings: [String] = ["anon"], scale: Double = 1,
                       backend: BackendKind = .kernel) -> [FlowResult] {
        mappings.enumerated().flatMap { k, m in
            F.sweep(flow, scale: scale * (1 + Double(k) * 0.2), backend: backend).map { r in
                var r = r
                r.params["mapping"] = m
                r.params["memory"] = "private"
                return r
            }
        }
    }

    func runs() -> [LoadedRun] {
        [F.loaded(F.record(Self.sweeps(mappings: ["anon", "thp"]) + Self.sweeps("numa-move-pages", scale: 0.5)), "base.json"),
         F.loaded(F.record(Self.sweeps(mappings: ["anon", "thp"], scale: 0.8),
                           environment: F.environment(virtualization: "tcg", kernel: "6.13.0")), "new.json")]
    }

    /// One panel per flow, whatever the other parameters: their
    /// combinations are series of the flow's panel, not panels of their own.
    @Test func onePanelPerFlow() throws {
        let plot = try SVGPlot(runs: runs())
        #expect(plot.panels.map(\.flow) == ["migrate-to-dev", "numa-move-pages"])
        let mig = plot.panels[0]
        // 2 mappings x 2 runs, grouped by mapping so A and B sit together.
        #expect(mig.series.map { "\($0.runLabel) \($0.params.keyValueText)" }
                == ["A mapping=anon", "B mapping=anon", "A mapping=thp", "B mapping=thp"])
        #expect(mig.series.map(\.variant) == [0, 0, 1, 1])
        #expect(mig.fixed == "memory=private")
        #expect(mig.isSweep)
        #expect(mig.series[0].points.map(\.x) == [4096, 65536, 2_097_152, 16_777_216])
        for s in mig.series { for p in s.points { #expect(p.low <= p.y && p.y <= p.high) } }
        #expect(plot.panels[1].series.map(\.runLabel) == ["A"])
        #expect(plot.panels[1].series[0].params.isEmpty)   // one combination: all of it is `fixed`
    }

    /// Every series is labelled with its run, kernel release and backend,
    /// in the model and in the SVG's legend.
    @Test func labelsNameKernelAndBackend() throws {
        var b = F.record(Self.sweeps(mappings: ["anon", "thp"], scale: 0.8), environment: F.environment(kernel: "6.13.0"))
        b.results += Self.sweeps("numa-move-pages", backend: .simulated)
        let plot = try SVGPlot(runs: [F.loaded(F.record(Self.sweeps(mappings: ["anon", "thp"])), "a.json"), F.loaded(b, "b.json")])
        #expect(plot.panels[0].series.map(\.label) == ["A 6.12.0 kernel: mapping=anon", "B 6.13.0 kernel: mapping=anon",
                                                        "A 6.12.0 kernel: mapping=thp", "B 6.13.0 kernel: mapping=thp"])
        #expect(plot.panels[1].series.map(\.label) == ["B 6.13.0 simulated"])
        let labels = Self.seriesLabels(try plot.render())
        #expect(labels == plot.panels.flatMap { $0.series.map(\.label) })
        #expect(labels.allSatisfy { $0.contains(" kernel") || $0.contains(" simulated") })
    }

    /// The text of every legend entry of `svg`, in order.
    static func seriesLabels(_ svg: String) -> [String] {
        svg.components(separatedBy: "class=\"series-label\"><title>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test func standaloneSVGWithHeader() throws {
        let plot = try SVGPlot(runs: runs())
        let layout = try PlotLayout(plot)
        let svg = plot.render(layout)
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("width=\"\(layout.width)\" height=\"\(layout.height)\""))
        #expect(!svg.contains("href") && !svg.contains("<image") && !svg.contains("@import"))
        #expect(svg.components(separatedBy: "http").count == 2)   // only the xmlns
        #expect(svg.contains("base.json") && svg.contains("new.json") && svg.contains("kernel 6.13.0"))
        #expect(svg.contains("TCG: run B"))
        #expect(svg.contains(">4K<") && svg.contains(">64K<") && svg.contains(">16M<"))
    }

    @Test func flowFilterKeepsOnlyTheNamedFlows() throws {
        let plot = try SVGPlot(runs: runs(), flows: ["numa-move-pages"])
        #expect(plot.panels.map(\.flow) == ["numa-move-pages"])
        let both = try SVGPlot(runs: runs(), flows: ["numa-move-pages", "migrate-to-dev"])
        #expect(both.panels.count == 2)
    }

    /// A name no file has is a usage error saying which flows they have;
    /// a real flow that none of the files measured says so too.
    @Test func flowFilterRefusesAFlowTheFilesLack() {
        for (flow, needle) in [("migrate-to-dve", "unknown flow"), ("exclusive", "no result, failure or skip")] {
            do {
                _ = try SVGPlot(runs: runs(), flows: [flow])
                Issue.record("--flow \(flow) was accepted")
            } catch let e as HMMBenchError {
                #expect(e.kind == .usage && e.exitCode == 2)
                #expect(e.message.contains(flow) && e.message.contains(needle), "\(e.message)")
                #expect(!e.message.contains("\n"))
                #expect(e.hint?.contains("migrate-to-dev, numa-move-pages") == true, "\(e.hint ?? "")")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func sizeFallsBackToBytesPerOp() throws {
        var r = F.result(meanNs: 1e6)
        r.params.removeValue(forKey: "size")
        let plot = try SVGPlot(runs: [F.loaded(F.record([r]), "x.json")])
        #expect(plot.panels.first?.series.first?.points.first?.x == 2_097_152)
        #expect(plot.panels.first?.isSweep == false)
    }

    @Test func nothingToPlotIsADataError() {
        #expect(throws: HMMBenchError.self) { try SVGPlot(runs: [F.loaded(F.record([]), "empty.json")]) }
        // Only a skip for the flow asked for: nothing to plot either.
        var r = F.record(F.sweep())
        r.skipped = [SkippedFlow(flow: "exclusive", params: ["size": "2M"], reason: "uapi 5.8 lacks it")]
        do {
            _ = try SVGPlot(runs: [F.loaded(r, "s.json")], flows: ["exclusive"])
            Issue.record("plotted nothing without an error")
        } catch let e as HMMBenchError {
            #expect(e.kind == .data && e.message.contains("--flow exclusive") && e.message.contains("1 skipped"), "\(e.message)")
        } catch {
            Issue.record("\(error)")
        }
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
        let size = try Self.renderPNG(rsvg, svg: out, png: dir + "/plot.png")
        #expect(size.width == plot.width && size.height == plot.height)
    }

    /// Renders `svg` with rsvg-convert into `png` (which must be a PNG) and
    /// returns its size in pixels; `HMMBENCH_KEEP_PLOT=DIR` keeps a copy.
    static func renderPNG(_ rsvg: String, svg: String, png: String) throws -> (width: Int, height: Int) {
        let converted = try ChildProcess.run(rsvg, ["-o", png, svg])
        #expect(converted.status == 0, "\(converted.stderr)")
        let data = try #require(FileManager.default.contents(atPath: png))
        #expect(data.count > 1000)
        let bytes = [UInt8](data)
        try #require(bytes.count > 24)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func be32(_ o: Int) -> Int { bytes[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
        if let keep = ProcessInfo.processInfo.environment["HMMBENCH_KEEP_PLOT"] {
            let dest = keep + "/" + URL(fileURLWithPath: png).lastPathComponent
            try? FileManager.default.removeItem(atPath: dest)
            try FileManager.default.copyItem(atPath: png, toPath: dest)
        }
        return (be32(16), be32(20))
    }

    /// Failed and skipped entries are listed under their flow's panel
    /// (without the parameters the panel already states), or at the end
    /// when nothing was plotted for their flow.
    @Test func outcomeNotes() throws {
        var b = F.record(Self.sweeps(scale: 0.8), environment: F.environment(kernel: "6.13.0"))
        b.results.removeLast()
        b.failed = [FailedFlow(flow: "migrate-to-dev", params: ["size": "16M", "mapping": "anon", "memory": "private"], stage: .measure,
                               reason: "ioctl: EINVAL (Invalid argument)", errno: 22)]
        b.skipped = [SkippedFlow(flow: "exclusive", params: ["size": "2M"], reason: "uapi 5.8 lacks it")]
        let plot = try SVGPlot(runs: [F.loaded(F.record(Self.sweeps()), "a.json"), F.loaded(b, "b.json")])
        let mig = try #require(plot.panels.first { $0.flow == "migrate-to-dev" })
        #expect(mig.notes == ["B size=16M: FAILED (measure, EINVAL): ioctl: EINVAL (Invalid argument)"])
        #expect(plot.unplotted == ["B exclusive size=2M: skipped: uapi 5.8 lacks it"])
        let svg = try plot.render()
        #expect(svg.contains("FAILED (measure, EINVAL)") && svg.contains("skipped: uapi 5.8 lacks it"))
    }
}
