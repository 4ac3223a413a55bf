import Foundation

/// Where everything of an `SVGPlot` goes: a header (title, one line per
/// run, alerts), then the panels in a grid of `columns` columns (each row
/// as tall as its tallest panel), then the entries of flows with nothing
/// plotted. Every list that grows with the input is capped (legend rows
/// and notes per panel, unplotted lines), the rest said as "+N more", and
/// columns are added while the height exceeds `targetHeight`, so a full
/// suite stays a picture rsvg-convert (and cairo, whose surfaces stop at
/// 32767 pixels a side) can render. Past `hardLimit` it is an error.
public struct PlotLayout: Sendable {
    /// The boxes inside one panel, in pixels from the document's origin.
    public struct PanelBox: Sendable {
        public var x: Double, y: Double, width: Double, height: Double
        /// The chart's frame.
        public var plotLeft: Double, plotRight: Double, plotTop: Double, plotBottom: Double
        /// First legend row's baseline; legend entries fill columns of
        /// `legendColumnWidth`, `legendRows` deep.
        public var legendTop: Double
        public var legendColumns: Int, legendRows: Int
        public var legendColumnWidth: Double
        /// How many series the legend names; the rest are "+N more".
        public var legendShown: Int
        public var notesTop: Double
        /// How many notes are written; the rest are "+N more".
        public var notesShown: Int
    }

    public static let panelWidth = 580.0
    public static let preferredColumns = 3
    public static let maxColumns = 8
    /// Above this height, columns are added (up to `maxColumns`).
    public static let targetHeight = 12_000
    /// Larger than this on either side is refused: cairo cannot allocate it.
    public static let hardLimit = 32_000
    public static let lineHeight = 13.0
    /// Font size 10 DejaVu Sans: a generous average advance per character.
    public static let charWidth = 6.2
    public static let maxLegendRows = 24
    public static let maxNotes = 6
    public static let maxUnplotted = 20
    static let margin = 14.0
    static let plotHeight = 200.0
    static let swatchWidth = 34.0

    public let columns: Int
    public let width: Int
    public let height: Int
    public let headerHeight: Double
    public let boxes: [PanelBox]
    /// Baseline of the "nothing plotted" section's heading.
    public let unplottedTop: Double
    public let unplottedShown: Int

    /// Lays `plot` out. Throws a data error if even `maxColumns` columns
    /// leave a side larger than `hardLimit`.
    public init(_ plot: SVGPlot) throws {
        headerHeight = 40 + 18 * Double(plot.legend.count + plot.alerts.count) + 6
        unplottedShown = Swift.min(plot.unplotted.count, Self.maxUnplotted)
        let unplottedLines = unplottedShown + (plot.unplotted.count > unplottedShown ? 1 : 0)
        let tail = plot.unplotted.isEmpty ? 0 : 30 + Self.lineHeight * Double(unplottedLines)
        var columns = Swift.min(Self.preferredColumns, Swift.max(1, plot.panels.count))
        while true {
            let boxes = Self.grid(plot.panels, columns: columns, top: headerHeight)
            let gridBottom = boxes.map { $0.y + $0.height }.max() ?? headerHeight
            let height = Int((gridBottom + tail + 10).rounded(.up))
            let width = Int((Double(columns) * Self.panelWidth + 2 * Self.margin).rounded(.up))
            if height <= Self.targetHeight || columns >= Swift.min(Self.maxColumns, plot.panels.count) {
                guard height <= Self.hardLimit, width <= Self.hardLimit else {
                    throw HMMBenchError(.data, "the plot would be \(width)x\(height) pixels, more than \(Self.hardLimit) a side",
                                        hint: "plot fewer flows at a time with --flow, or fewer files")
                }
                self.columns = columns
                self.boxes = boxes
                self.width = width
                self.height = height
                unplottedTop = gridBottom + 22
                return
            }
            columns += 1
        }
    }

    /// Panels in reading order, `columns` a row, each row as tall as its tallest panel.
    static func grid(_ panels: [SVGPlot.Panel], columns: Int, top: Double) -> [PanelBox] {
        var out: [PanelBox] = []
        var y = top
        for rowStart in stride(from: 0, to: panels.count, by: columns) {
            let row = panels[rowStart..<Swift.min(rowStart + columns, panels.count)]
            let inRow = row.enumerated().map { k, p in
                box(p, x: margin + Double(k) * panelWidth, y: y)
            }
            let tallest = inRow.map(\.height).max() ?? 0
            out += inRow.map { var b = $0; b.height = tallest; return b }
            y += tallest
        }
        return out
    }

    /// One panel's boxes at (`x`, `y`); its height is what it needs.
    static func box(_ p: SVGPlot.Panel, x: Double, y: Double) -> PanelBox {
        let plotTop = y + (p.fixed.isEmpty ? 30 : 44)
        let plotBottom = plotTop + plotHeight
        let inner = panelWidth - 2 * margin
        let widest = p.series.map { Double($0.label.count) * charWidth + swatchWidth + 10 }.max() ?? inner
        let legendColumns = Swift.max(1, Swift.min(3, Int(inner / widest)))
        let capacity = legendColumns * maxLegendRows
        // When the legend overflows, its last slot says "+N more".
        let shown = p.series.count <= capacity ? p.series.count : capacity - 1
        let slots = shown + (p.series.count > shown ? 1 : 0)
        let rows = (slots + legendColumns - 1) / legendColumns
        let legendTop = plotBottom + 42
        let notesShown = Swift.min(p.notes.count, maxNotes)
        let noteLines = notesShown + (p.notes.count > notesShown ? 1 : 0)
        let notesTop = legendTop + lineHeight * Double(rows) + 4
        let height = notesTop - y + lineHeight * Double(noteLines) + 16
        return PanelBox(x: x, y: y, width: panelWidth, height: height,
                        plotLeft: x + 62, plotRight: x + panelWidth - 16, plotTop: plotTop, plotBottom: plotBottom,
                        legendTop: legendTop, legendColumns: legendColumns, legendRows: rows,
                        legendColumnWidth: inner / Double(legendColumns), legendShown: shown,
                        notesTop: notesTop, notesShown: notesShown)
    }
}
