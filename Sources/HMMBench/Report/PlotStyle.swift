/// How a plot series looks: the colour (and, past the palette, the marker
/// shape) tells the parameter combinations of a panel apart; the dash
/// pattern tells the runs apart, the same in every panel and in the
/// header's run legend, so run A is always solid and run B always dashed.
public struct PlotStyle: Equatable, Sendable {
    /// The marker drawn at each point.
    public enum Marker: String, Sendable, CaseIterable {
        case circle, square, triangle, diamond
    }

    public var color: String
    /// An SVG stroke-dasharray; empty for a solid line.
    public var dash: String
    public var marker: Marker

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static let dashes = ["", "7,4", "2,3", "10,3,2,3", "4,2,4,2,1,2"]

    /// Combination `variant` of a panel, measured in run `run`.
    public init(variant: Int, run: Int) {
        color = Self.palette[variant % Self.palette.count]
        marker = Marker.allCases[(variant / Self.palette.count) % Marker.allCases.count]
        dash = Self.dashes[run % Self.dashes.count]
    }

    /// The run's line in the header legend: dash of the run, in grey.
    public static func run(_ run: Int) -> PlotStyle {
        var s = PlotStyle(variant: 0, run: run)
        s.color = "#333333"
        return s
    }

    /// `stroke-dasharray` attribute text, with its leading space, or "".
    var dashAttribute: String { dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"" }

    /// The marker at (`x`, `y`), with `title` as its tooltip when given.
    func markerSVG(x: Double, y: Double, title: String? = nil) -> String {
        let n = SVGText.number
        let tip = title.map { "<title>\(SVGText.escape($0))</title>" } ?? ""
        let body: String
        switch marker {
        case .circle:
            body = "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" fill=\"\(color)\""
        case .square:
            body = "<rect x=\"\(n(x - 3.2))\" y=\"\(n(y - 3.2))\" width=\"6.4\" height=\"6.4\" fill=\"\(color)\""
        case .triangle:
            body = "<polygon points=\"\(n(x)),\(n(y - 4.2)) \(n(x + 4)),\(n(y + 3)) \(n(x - 4)),\(n(y + 3))\" fill=\"\(color)\""
        case .diamond:
            body = "<polygon points=\"\(n(x)),\(n(y - 4.5)) \(n(x + 4)),\(n(y)) \(n(x)),\(n(y + 4.5)) \(n(x - 4)),\(n(y))\" fill=\"\(color)\""
        }
        return tip.isEmpty ? body + "/>" : body + ">" + tip + "</" + body.dropFirst().prefix { $0 != " " } + ">"
    }
}
