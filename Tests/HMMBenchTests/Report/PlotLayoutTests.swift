import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("PlotLayout")
struct PlotLayoutTests {
    typealias F = ReportFixtures

    /// A run with every entry of bench/suites/full.suite (n = 3), in the
    /// suite's order: a result for most, a failure for every 29th and a
    /// skip for every 31st, so panels carry notes as a real run's do.
    static func fullSuiteRun(kernel: String, backend: BackendKind, scale: Double) throws -> RunRecord {
        let suite = try Suite.load(TestFiles.inRepo("bench/suites/full.suite"))
        var record = F.record([], environment: F.environment(backend: backend, kernel: kernel))
        for (i, e) in suite.entries.enumerated() {
            if i % 29 == 5 {
                record.failed.append(FailedFlow(flow: e.flow, params: e.values, stage: .measure,
                                                reason: "ioctl HMM_DMIRROR_MIGRATE_TO_DEV: EBUSY (Device or resource busy)", errno: 16))
                continue
            }
            if i % 31 == 7 {
                record.skipped.append(SkippedFlow(flow: e.flow, params: e.values, reason: "needs hugetlb pages: nr_hugepages is 0"))
                continue
            }
            var extra = e.values
            let size = extra.removeValue(forKey: "size") ?? "2M"
            let bytes = Double((try? PageSize.parse(size)) ?? 4096)
            let gibps = (0.2 + Double(i % 7)) * scale
            record.results.append(F.result(e.flow, size: size, extra: extra, meanNs: bytes / (gibps * 1_073_741_824) * 1e9,
                                           spread: 0.1, n: 3, backend: backend, counters: false))
        }
        return record
    }

    static func fullSuitePair() throws -> [LoadedRun] {
        [F.loaded(try fullSuiteRun(kernel: "6.1.0-28-amd64", backend: .simulated, scale: 1), "full-a.json"),
         F.loaded(try fullSuiteRun(kernel: "6.12.0-1-amd64", backend: .simulated, scale: 1.1), "full-b.json")]
    }

    /// The full suite: one panel per flow of the suite, in the suite's
    /// order, every result a point of some series, in a grid no taller
    /// than the target (the old layout made it 34,814 pixels tall).
    @Test func fullSuiteIsOnePanelPerFlowInABoundedGrid() throws {
        let runs = try Self.fullSuitePair()
        let plot = try SVGPlot(runs: runs)
        var flows: [String] = []
        for e in try Suite.load(TestFiles.inRepo("bench/suites/full.suite")).entries where !flows.contains(e.flow) { flows.append(e.flow) }
        #expect(plot.panels.map(\.flow) == flows)
        let points = plot.panels.flatMap(\.series).map(\.points.count).reduce(0, +)
        #expect(points == runs.map(\.record.results.count).reduce(0, +))
        #expect(plot.panels.flatMap(\.notes).count == runs.map { $0.record.failed.count + $0.record.skipped.count }.reduce(0, +))
        let layout = try PlotLayout(plot)
        #expect(layout.columns == PlotLayout.preferredColumns)
        #expect(layout.height <= PlotLayout.targetHeight, "\(layout.width)x\(layout.height)")
        #expect(layout.boxes.count == plot.panels.count)
        #expect(Set(layout.boxes.map(\.x)).count == layout.columns)
        #expect(Set(layout.boxes.map(\.y)).count == (plot.panels.count + layout.columns - 1) / layout.columns)
    }

    /// Panels fill rows left to right; a row is as tall as its tallest
    /// panel; panels never overlap.
    @Test func gridPlacesPanelsInRows() throws {
        let results = ["migrate-to-dev", "migrate-to-sys", "fault-read", "fault-write", "snapshot"].flatMap { F.sweep($0) }
        let plot = try SVGPlot(runs: [F.loaded(F.record(results), "a.json")])
        let layout = try PlotLayout(plot)
        #expect(layout.columns == 3)
        #expect(layout.boxes.map(\.x) == [14, 14 + PlotLayout.panelWidth, 14 + 2 * PlotLayout.panelWidth, 14, 14 + PlotLayout.panelWidth])
        #expect(layout.boxes[0].y == layout.boxes[2].y && layout.boxes[3].y == layout.boxes[0].y + layout.boxes[0].height)
        #expect(Double(layout.width) >= layout.boxes.map { $0.x + $0.width }.max()!)
        #expect(Double(layout.height) >= layout.boxes.map { $0.y + $0.height }.max()!)
        let single = try PlotLayout(try SVGPlot(runs: [F.loaded(F.record(F.sweep()), "b.json")]))
        #expect(single.columns == 1)
    }

    /// Legends and notes are capped: 40 combinations in 6 runs and 300
    /// failures in one panel still give a panel of bounded height, with
    /// "+N more" for the rest; 60 flows widen the grid instead of growing
    /// it past the target height.
    @Test func crowdedPanelsStayBounded() throws {
        var runs: [LoadedRun] = []
        for r in 0..<6 {
            var results: [FlowResult] = []
            for flow in ["fault-read"] + (1..<60).map({ "flow-\($0)" }) {
                for k in 0..<40 { results.append(F.result(flow, size: "2M", extra: ["batch": "\(k)"], meanNs: 1e6, n: 3, counters: false)) }
            }
            var record = F.record(results, environment: F.environment(kernel: "6.\(r).0"))
            record.failed = (0..<50).map { FailedFlow(flow: "fault-read", params: ["size": "\($0)K"], stage: .measure, reason: "EFAULT") }
            runs.append(F.loaded(record, "r\(r).json"))
        }
        let plot = try SVGPlot(runs: runs)
        #expect(plot.panels.count == 60)
        let layout = try PlotLayout(plot)
        #expect(layout.height <= PlotLayout.targetHeight, "\(layout.width)x\(layout.height)")
        #expect(layout.width <= PlotLayout.hardLimit)
        #expect(layout.columns > PlotLayout.preferredColumns)
        let box = try #require(zip(plot.panels, layout.boxes).first { $0.0.flow == "fault-read" }?.1)
        #expect(box.legendShown < 240 && box.legendRows <= PlotLayout.maxLegendRows)
        #expect(box.notesShown == PlotLayout.maxNotes)
        let svg = plot.render(layout)
        #expect(svg.contains("+\(240 - box.legendShown) more series"))
        #expect(svg.contains("+\(300 - PlotLayout.maxNotes) more failed or skipped"))
    }

    /// The full suite's plot, two runs, rendered by rsvg-convert to a PNG
    /// of the layout's size. Skips only when rsvg-convert is absent.
    @Test func fullSuiteRendersWithRsvg() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runs = try Self.fullSuitePair()
        let paths = runs.map { F.write($0.record, $0.path, in: dir) }
        let out = dir + "/full-suite.svg"
        let result = try ReportTools.plot(paths: paths, out: out)
        #expect(result.height <= PlotLayout.targetHeight)
        guard let rsvg = SVGPlotTests.rsvg else {
            print("SKIPPED full-suite PNG check: rsvg-convert not installed (make deps installs librsvg2-bin)")
            return
        }
        let size = try SVGPlotTests.renderPNG(rsvg, svg: out, png: dir + "/full-suite.png")
        #expect(size.width == result.width && size.height == result.height)
    }
}
