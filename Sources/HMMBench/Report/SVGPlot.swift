import Foundation

/// A standalone SVG (no external references): per flow and fixed
/// parameters one panel of throughput (GiB/s, mean with 95% CI error bars)
/// against the `size` parameter on a log2 axis, one line per run and
/// backend, each labelled with its backend. Failed and skipped entries
/// are listed under their panel (or at the end when no run has a result
/// for that panel), never dropped.
public struct SVGPlot: Sendable {
    /// One line in a panel: a run's points on one backend, ascending in size.
    public struct Series: Sendable {
        public var run: Int
        /// Who produced these numbers ("kernel" or "simulated").
        public var backend: BackendKind
        /// (size bytes, mean GiB/s, CI low, CI high; CI = mean for n < 2)
        public var points: [(x: Double, y: Double, low: Double, high: Double)]

        /// "A kernel", "B simulated".
        public var label: String { "\(RunHeader.label(run)) \(backend.rawValue)" }
    }

    /// One flow with its non-size parameters.
    public struct Panel: Sendable {
        public var title: String
        public var series: [Series]
        /// Failed and skipped entries of this flow and parameters, one line
        /// each ("B size=64K: FAILED (measure, EINVAL): ...").
        public var notes: [String]

        /// Fixed plot area plus a line per note.
        var height: Int { SVGPlot.panelHeight + SVGPlot.noteLine * notes.count }
    }

    public static let width = 760
    static let panelHeight = 280
    static let noteLine = 16
    static let plotLeft = 80.0, plotRight = 24.0
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static let dashes = ["", "6,3", "2,3", "8,3,2,3"]

    public let legend: [String]
    public let alerts: [String]
    public let panels: [Panel]
    /// Failed and skipped entries whose flow and parameters no run has a
    /// result for, one line each.
    public let unplotted: [String]

    public var width: Int { Self.width }
    /// Header (title, legend, alerts), the panels, the unplotted list.
    public var height: Int {
        headerHeight + panels.map(\.height).reduce(0, +) + (unplotted.isEmpty ? 0 : 24 + Self.noteLine * unplotted.count) + 10
    }
    var headerHeight: Int { 40 + 18 * legend.count + 18 * alerts.count + 8 }

    /// Builds the panels from `runs`. Throws a `.data` error when no run has
    /// a result to plot.
    public init(runs: [LoadedRun]) throws {
        let headers = runs.enumerated().map { RunHeader(label: RunHeader.label($0.offset), run: $0.element) }
        legend = zip(runs, headers).map { run, h in
            "\(h.label): \(run.name): backend \(h.backend.rawValue), \(h.virtualization), kernel \(h.kernel)\(h.complete ? "" : ", INCOMPLETE")"
        }
        var alerts: [String] = []
        if Set(headers.map(\.backend)).count > 1 { alerts.append(Comparison.mixedBanner) }
        for h in headers {
            if h.backend == .simulated { alerts.append("SIMULATED: run \(h.label) measured the simulator, not a kernel") }
            if h.virtualization == "tcg" { alerts.append("TCG: run \(h.label) numbers are functional evidence, not hardware speed") }
        }
        self.alerts = alerts

        /// Panel title and size text of a flow and its parameters.
        func place(_ flow: String, _ params: [String: String]) -> (title: String, size: String?) {
            var rest = params
            let size = rest.removeValue(forKey: "size")
            return (rest.isEmpty ? flow : flow + " " + rest.keyValueText, size)
        }
        struct SeriesKey: Hashable, Comparable {
            var run: Int
            var backend: BackendKind
            static func < (a: SeriesKey, b: SeriesKey) -> Bool {
                (a.run, a.backend.rawValue) < (b.run, b.backend.rawValue)
            }
        }
        var order: [String] = []
        var grouped: [String: [SeriesKey: [(x: Double, y: Double, low: Double, high: Double)]]] = [:]
        for (i, run) in runs.enumerated() {
            for r in run.record.results where !r.samplesNs.isEmpty {
                let (title, sizeText) = place(r.flow, r.params)
                let x = Double(sizeText.flatMap { try? PageSize.parse($0) } ?? r.bytesPerOp)
                guard x > 0 else { continue }
                if grouped[title] == nil { order.append(title); grouped[title] = [:] }
                let g = ReportedStats(r.throughput.gibPerS)
                grouped[title]![SeriesKey(run: i, backend: r.backend), default: []]
                    .append((x, g.mean, g.ci95Low ?? g.mean, g.ci95High ?? g.mean))
            }
        }
        var notes: [String: [String]] = [:]
        var unplotted: [String] = []
        for (i, run) in runs.enumerated() {
            for o in OutcomeEntry.all(of: run, label: headers[i].label) {
                let (title, size) = place(o.flow, o.params)
                let line = "\(o.run)\(size.map { " size=" + $0 } ?? ""): \(o.summary)"
                if grouped[title] != nil { notes[title, default: []].append(line) } else { unplotted.append("\(o.run) \(o.key.trimmingTrailingSpace): \(o.summary)") }
            }
        }
        panels = order.map { title in
            Panel(title: title, series: grouped[title]!.keys.sorted().map { k in
                Series(run: k.run, backend: k.backend, points: grouped[title]![k]!.sorted { $0.x < $1.x })
            }, notes: notes[title] ?? [])
        }
        self.unplotted = unplotted
        guard !panels.isEmpty else {
            let f = runs.map(\.record.failed.count).reduce(0, +), sk = runs.map(\.record.skipped.count).reduce(0, +)
            throw HMMBenchError(.data, "\(runs.map(\.path).joined(separator: ", ")): no results with samples to plot (\(f) failed, \(sk) skipped)",
                                hint: "'hmmbench report FILE' lists each failure and skip with its reason")
        }
    }

    static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    static func n(_ v: Double) -> String { Format.fixed(v, 1) }

    /// A "nice" axis top and step (1, 2, 5 x 10^k) with about 5 ticks.
    static func niceAxis(_ maxValue: Double) -> (top: Double, step: Double) {
        guard maxValue > 0, maxValue.isFinite else { return (1, 0.2) }
        let raw = maxValue / 5
        var mag = 1.0
        while mag * 10 <= raw { mag *= 10 }
        while mag > raw { mag /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        return ((maxValue / step).rounded(.up) * step, step)
    }

    /// The SVG document.
    public func render() -> String {
        var s: [String] = []
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">")
        s.append("<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
        s.append("<text x=\"12\" y=\"24\" font-size=\"16\" font-weight=\"bold\">hmmbench: throughput (GiB/s, higher is better) by size; bars: 95% CI</text>")
        var y = 46
        for (i, line) in legend.enumerated() {
            let color = Self.palette[i % Self.palette.count], dash = Self.dashes[(i / Self.palette.count) % Self.dashes.count]
            s.append("<line x1=\"14\" y1=\"\(y - 4)\" x2=\"44\" y2=\"\(y - 4)\" stroke=\"\(color)\" stroke-width=\"2.5\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>")
            s.append("<circle cx=\"29\" cy=\"\(y - 4)\" r=\"3.5\" fill=\"\(color)\"/>")
            s.append("<text x=\"52\" y=\"\(y)\">\(Self.escape(line))</text>")
            y += 18
        }
        for a in alerts {
            s.append("<text x=\"14\" y=\"\(y)\" fill=\"#b00000\" font-weight=\"bold\">\(Self.escape(a))</text>")
            y += 18
        }
        var top = headerHeight
        for panel in panels {
            s += renderPanel(panel, top: Double(top))
            top += panel.height
        }
        if !unplotted.isEmpty {
            s.append("<text x=\"14\" y=\"\(top + 16)\" font-weight=\"bold\">Failed or skipped, nothing to plot:</text>")
            for (k, line) in unplotted.enumerated() {
                s.append("<text x=\"24\" y=\"\(top + 32 + k * Self.noteLine)\" fill=\"#b00000\">\(Self.escape(line))</text>")
            }
        }
        s.append("</svg>")
        return s.joined(separator: "\n") + "\n"
    }

    func renderPanel(_ p: Panel, top: Double) -> [String] {
        var s: [String] = []
        let left = Self.plotLeft, right = Double(width) - Self.plotRight
        let plotTop = top + 28, plotBottom = top + Double(Self.panelHeight) - 52
        s.append("<text x=\"\(Self.n(left))\" y=\"\(Self.n(top + 16))\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(p.title))</text>")
        let points = p.series.flatMap(\.points)
        var lx0 = (points.map { log2($0.x) }.min() ?? 0).rounded(.down)
        var lx1 = (points.map { log2($0.x) }.max() ?? 1).rounded(.up)
        if lx1 - lx0 < 1 { lx0 -= 1; lx1 += 1 }
        // Half a step of air so points at the ends clear the frame.
        let tickLow = Int(lx0), tickHigh = Int(lx1)
        lx0 -= 0.5
        lx1 += 0.5
        let axis = Self.niceAxis((points.map { Swift.max($0.high, $0.y) }.max() ?? 1) * 1.05)
        func px(_ x: Double) -> Double { left + (log2(x) - lx0) / (lx1 - lx0) * (right - left) }
        func py(_ v: Double) -> Double {
            let c = Swift.min(Swift.max(v, 0), axis.top)
            return plotBottom - c / axis.top * (plotBottom - plotTop)
        }
        // Frame, grid and ticks.
        s.append("<rect x=\"\(Self.n(left))\" y=\"\(Self.n(plotTop))\" width=\"\(Self.n(right - left))\" height=\"\(Self.n(plotBottom - plotTop))\" fill=\"none\" stroke=\"#444444\"/>")
        let stepDigits = TextLayout.decimals(for: axis.step, significant: 1)
        var v = 0.0
        while v <= axis.top + axis.step / 2 {
            let yy = py(v)
            s.append("<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(yy))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(yy))\" stroke=\"#dddddd\"/>")
            s.append("<text x=\"\(Self.n(left - 6))\" y=\"\(Self.n(yy + 4))\" text-anchor=\"end\">\(Format.fixed(v, stepDigits))</text>")
            v += axis.step
        }
        let span = tickHigh - tickLow
        let every = Swift.max(1, (span + 9) / 10)
        var e = tickLow
        while e <= tickHigh {
            let xx = px(Double(1 << Swift.min(Swift.max(e, 0), 62)))
            s.append("<line x1=\"\(Self.n(xx))\" y1=\"\(Self.n(plotBottom))\" x2=\"\(Self.n(xx))\" y2=\"\(Self.n(plotBottom + 5))\" stroke=\"#444444\"/>")
            s.append("<text x=\"\(Self.n(xx))\" y=\"\(Self.n(plotBottom + 18))\" text-anchor=\"middle\">\(TextLayout.size(Double(1 << Swift.min(Swift.max(e, 0), 62))))</text>")
            e += every
        }
        s.append("<text x=\"\(Self.n((left + right) / 2))\" y=\"\(Self.n(plotBottom + 38))\" text-anchor=\"middle\">size (bytes, log2 scale)</text>")
        s.append("<text x=\"18\" y=\"\(Self.n((plotTop + plotBottom) / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(Self.n((plotTop + plotBottom) / 2)))\">GiB/s</text>")
        // Failed and skipped entries of this panel, under it.
        for (k, note) in p.notes.enumerated() {
            let yy = top + Double(Self.panelHeight) - 8 + Double(k * Self.noteLine)
            s.append("<text x=\"\(Self.n(left))\" y=\"\(Self.n(yy))\" fill=\"#b00000\">\(Self.escape(note))</text>")
        }
        // Series, each labelled with its run and backend at its last point.
        for series in p.series {
            let color = Self.palette[series.run % Self.palette.count]
            let dash = Self.dashes[(series.run / Self.palette.count) % Self.dashes.count]
            let path = series.points.map { "\(Self.n(px($0.x))),\(Self.n(py($0.y)))" }.joined(separator: " ")
            if series.points.count > 1 {
                s.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>")
            }
            for pt in series.points {
                let xx = px(pt.x), lo = py(pt.low), hi = py(pt.high)
                s.append("<line x1=\"\(Self.n(xx))\" y1=\"\(Self.n(lo))\" x2=\"\(Self.n(xx))\" y2=\"\(Self.n(hi))\" stroke=\"\(color)\" stroke-width=\"1.2\"/>")
                s.append("<line x1=\"\(Self.n(xx - 4))\" y1=\"\(Self.n(lo))\" x2=\"\(Self.n(xx + 4))\" y2=\"\(Self.n(lo))\" stroke=\"\(color)\" stroke-width=\"1.2\"/>")
                s.append("<line x1=\"\(Self.n(xx - 4))\" y1=\"\(Self.n(hi))\" x2=\"\(Self.n(xx + 4))\" y2=\"\(Self.n(hi))\" stroke=\"\(color)\" stroke-width=\"1.2\"/>")
                s.append("<circle cx=\"\(Self.n(xx))\" cy=\"\(Self.n(py(pt.y)))\" r=\"3.5\" fill=\"\(color)\"><title>\(Self.escape("\(series.label) \(TextLayout.size(pt.x)): \(Format.fixed(pt.y, 4)) GiB/s (CI \(Format.fixed(pt.low, 4)) .. \(Format.fixed(pt.high, 4)))"))</title></circle>")
            }
            if let last = series.points.last {
                s.append("<text x=\"\(Self.n(px(last.x) + 6))\" y=\"\(Self.n(py(last.y) - 6))\" fill=\"\(color)\" font-size=\"11\" text-anchor=\"end\">\(Self.escape(series.label))</text>")
            }
        }
        return s
    }
}
