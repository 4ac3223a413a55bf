import Foundation

/// Writes an `SVGPlot` as a standalone SVG document (no external
/// references) at the places a `PlotLayout` gives: the header with one
/// line per run in that run's dash, then each panel (frame, axes, CI bars,
/// lines, legend naming every series with its run, kernel and backend,
/// the flow's failed and skipped entries), then the entries of flows
/// with nothing plotted.
extension SVGPlot {
    /// The SVG document, laid out by `PlotLayout(self)`.
    public func render() throws -> String { render(try PlotLayout(self)) }

    /// The SVG document for `layout` (made from this plot).
    public func render(_ layout: PlotLayout) -> String {
        let e = SVGText.escape, n = SVGText.number
        var s: [String] = []
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(layout.width)\" height=\"\(layout.height)\" viewBox=\"0 0 \(layout.width) \(layout.height)\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">")
        s.append("<rect x=\"0\" y=\"0\" width=\"\(layout.width)\" height=\"\(layout.height)\" fill=\"#ffffff\"/>")
        s.append("<text x=\"14\" y=\"24\" font-size=\"16\" font-weight=\"bold\">hmmbench: throughput (GiB/s, higher is better) against size (log2), one panel per flow; bars: 95% CI</text>")
        var y = 46.0
        for (i, line) in legend.enumerated() {
            let style = PlotStyle.run(i)
            s.append("<line x1=\"14\" y1=\"\(n(y - 4))\" x2=\"52\" y2=\"\(n(y - 4))\" stroke=\"\(style.color)\" stroke-width=\"2\"\(style.dashAttribute)/>")
            s.append("<text x=\"60\" y=\"\(n(y))\">\(e(line))</text>")
            y += 18
        }
        for a in alerts {
            s.append("<text x=\"14\" y=\"\(n(y))\" fill=\"#b00000\" font-weight=\"bold\">\(e(a))</text>")
            y += 18
        }
        for (panel, box) in zip(panels, layout.boxes) { s += renderPanel(panel, box) }
        if !unplotted.isEmpty {
            let top = layout.unplottedTop
            s.append("<text x=\"14\" y=\"\(n(top))\" font-weight=\"bold\">Failed or skipped, nothing to plot:</text>")
            var lines = unplotted.prefix(layout.unplottedShown).map { $0 }
            if unplotted.count > layout.unplottedShown {
                lines.append("+\(unplotted.count - layout.unplottedShown) more: 'hmmbench report FILE' lists every one")
            }
            for (k, line) in lines.enumerated() {
                s.append("<text x=\"24\" y=\"\(n(top + 16 + Double(k) * PlotLayout.lineHeight))\" font-size=\"11\" fill=\"#b00000\">\(e(line))</text>")
            }
        }
        s.append("</svg>")
        return s.joined(separator: "\n") + "\n"
    }

    func renderPanel(_ p: Panel, _ b: PlotLayout.PanelBox) -> [String] {
        let e = SVGText.escape, n = SVGText.number
        var s: [String] = []
        s.append("<g>")
        s.append("<rect x=\"\(n(b.x + 4))\" y=\"\(n(b.y + 4))\" width=\"\(n(b.width - 8))\" height=\"\(n(b.height - 8))\" fill=\"none\" stroke=\"#cccccc\"/>")
        s.append("<text x=\"\(n(b.x + 14))\" y=\"\(n(b.y + 22))\" font-size=\"14\" font-weight=\"bold\">\(e(p.flow))</text>")
        if !p.fixed.isEmpty {
            s.append("<text x=\"\(n(b.x + 14))\" y=\"\(n(b.y + 37))\" font-size=\"11\" fill=\"#444444\">\(e(p.fixed))</text>")
        }
        let axis = PlotAxis(points: p.series.flatMap(\.points), left: b.plotLeft, right: b.plotRight, top: b.plotTop, bottom: b.plotBottom)
        s.append("<rect x=\"\(n(b.plotLeft))\" y=\"\(n(b.plotTop))\" width=\"\(n(b.plotRight - b.plotLeft))\" height=\"\(n(b.plotBottom - b.plotTop))\" fill=\"none\" stroke=\"#444444\"/>")
        for t in axis.rateTicks {
            s.append("<line x1=\"\(n(b.plotLeft))\" y1=\"\(n(t.position))\" x2=\"\(n(b.plotRight))\" y2=\"\(n(t.position))\" stroke=\"#e4e4e4\"/>")
            s.append("<text x=\"\(n(b.plotLeft - 6))\" y=\"\(n(t.position + 4))\" text-anchor=\"end\" font-size=\"10\">\(t.label)</text>")
        }
        for t in axis.sizeTicks {
            s.append("<line x1=\"\(n(t.position))\" y1=\"\(n(b.plotBottom))\" x2=\"\(n(t.position))\" y2=\"\(n(b.plotBottom + 5))\" stroke=\"#444444\"/>")
            s.append("<text x=\"\(n(t.position))\" y=\"\(n(b.plotBottom + 17))\" text-anchor=\"middle\" font-size=\"10\" class=\"size-tick\">\(t.label)</text>")
        }
        s.append("<text x=\"\(n((b.plotLeft + b.plotRight) / 2))\" y=\"\(n(b.plotBottom + 31))\" text-anchor=\"middle\" font-size=\"11\">size (log2 scale)</text>")
        let mid = n((b.plotTop + b.plotBottom) / 2)
        s.append("<text x=\"\(n(b.x + 20))\" y=\"\(mid)\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 \(n(b.x + 20)) \(mid))\">\(axis.logRate ? "GiB/s (log10 scale)" : "GiB/s")</text>")
        for series in p.series { s += renderSeries(series, axis) }
        s += renderLegend(p, b)
        var notes = p.notes.prefix(b.notesShown).map { $0 }
        if p.notes.count > b.notesShown {
            notes.append("+\(p.notes.count - b.notesShown) more failed or skipped: 'hmmbench report FILE' lists every one")
        }
        let maxChars = Int((b.width - 28) / PlotLayout.charWidth)
        for (k, note) in notes.enumerated() {
            s.append("<text x=\"\(n(b.x + 14))\" y=\"\(n(b.notesTop + Double(k) * PlotLayout.lineHeight))\" font-size=\"10\" fill=\"#b00000\"><title>\(e(note))</title>\(e(SVGText.fit(note, maxChars)))</text>")
        }
        s.append("</g>")
        return s
    }

    /// A series: its line (a sweep), CI bars and markers with tooltips.
    func renderSeries(_ series: Series, _ axis: PlotAxis) -> [String] {
        let n = SVGText.number
        let style = PlotStyle(variant: series.variant, run: series.run)
        var s: [String] = []
        if series.points.count > 1 {
            let path = series.points.map { "\(n(axis.x($0.x))),\(n(axis.y($0.y)))" }.joined(separator: " ")
            s.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(style.color)\" stroke-width=\"1.8\"\(style.dashAttribute)/>")
        }
        for pt in series.points {
            let xx = axis.x(pt.x), lo = axis.y(pt.low), hi = axis.y(pt.high)
            if hi < lo - 0.5 {
                s.append("<path d=\"M\(n(xx)) \(n(lo))V\(n(hi))M\(n(xx - 3.5)) \(n(lo))h7M\(n(xx - 3.5)) \(n(hi))h7\" stroke=\"\(style.color)\" stroke-width=\"1.1\" fill=\"none\"/>")
            }
            let tip = "\(series.label) size \(TextLayout.size(pt.x)): \(Format.fixed(pt.y, 4)) GiB/s (95% CI \(Format.fixed(pt.low, 4)) .. \(Format.fixed(pt.high, 4)))"
            s.append(style.markerSVG(x: xx, y: axis.y(pt.y), title: tip))
        }
        return s
    }

    /// Every series' line sample and label, column by column under the chart.
    func renderLegend(_ p: Panel, _ b: PlotLayout.PanelBox) -> [String] {
        let e = SVGText.escape, n = SVGText.number
        var s: [String] = []
        let maxChars = Int((b.legendColumnWidth - 44) / PlotLayout.charWidth)
        for (k, series) in p.series.prefix(b.legendShown).enumerated() {
            let x = b.x + 14 + Double(k / b.legendRows) * b.legendColumnWidth
            let y = b.legendTop + Double(k % b.legendRows) * PlotLayout.lineHeight
            let style = PlotStyle(variant: series.variant, run: series.run)
            s.append("<line x1=\"\(n(x))\" y1=\"\(n(y - 4))\" x2=\"\(n(x + 28))\" y2=\"\(n(y - 4))\" stroke=\"\(style.color)\" stroke-width=\"1.8\"\(style.dashAttribute)/>")
            s.append(style.markerSVG(x: x + 14, y: y - 4))
            s.append("<text x=\"\(n(x + 34))\" y=\"\(n(y))\" font-size=\"10\" class=\"series-label\"><title>\(e(series.label))</title>\(e(SVGText.fit(series.label, maxChars)))</text>")
        }
        if p.series.count > b.legendShown {
            let k = b.legendShown
            let x = b.x + 14 + Double(k / b.legendRows) * b.legendColumnWidth
            let y = b.legendTop + Double(k % b.legendRows) * PlotLayout.lineHeight
            s.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"10\" fill=\"#444444\">+\(p.series.count - k) more series (plot --json lists them)</text>")
        }
        return s
    }
}
