/// Text and numbers as they go into SVG: escaped, one decimal.
enum SVGText {
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

    static func number(_ v: Double) -> String { Format.fixed(v, 1) }

    /// `s`, cut to `maxChars` with a trailing ellipsis when longer.
    static func fit(_ s: String, _ maxChars: Int) -> String {
        s.count <= maxChars ? s : String(s.prefix(Swift.max(0, maxChars - 1))) + "…"
    }
}
