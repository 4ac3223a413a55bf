/// Plain-text layout for mailing-list output: wrapping to 72 columns,
/// fixed-width table rows, and number formats that stay readable in a
/// narrow column. Locale-free (built on `Format`).
public enum TextLayout {
    /// The widest line a text report may contain.
    public static let width = 72

    /// Wraps `text` at spaces to `width` columns; continuation lines start
    /// with `indent` spaces (beyond the original leading spaces are kept
    /// on the first line). A word longer than a line is cut.
    public static func wrap(_ text: String, width: Int = TextLayout.width, indent: Int = 4) -> [String] {
        if text.count <= width { return [text] }
        let lead = text.prefix(while: { $0 == " " })
        let pad = String(repeating: " ", count: Swift.min(indent + lead.count, width / 2))
        // Words with the spacing that preceded them, so runs of spaces
        // inside a line (aligned marks like "*  1.00%*") survive.
        var tokens: [(gap: String, word: String)] = []
        var gap = "", word = ""
        for ch in text.dropFirst(lead.count) {
            if ch == " " {
                if !word.isEmpty { tokens.append((gap, word)); gap = ""; word = "" }
                gap.append(ch)
            } else {
                word.append(ch)
            }
        }
        if !word.isEmpty { tokens.append((gap, word)) }
        var lines: [String] = []
        var line = String(lead)
        var lineHasWord = false
        for (g, token) in tokens {
            var w = token
            let candidate = lineHasWord ? line + g + w : line + w
            if candidate.count <= width {
                line = candidate
                lineHasWord = true
                continue
            }
            if lineHasWord {
                lines.append(line)
                line = pad
                lineHasWord = false
            }
            while line.count + w.count > width {
                let room = width - line.count
                lines.append(line + w.prefix(room))
                w = String(w.dropFirst(room))
                line = pad
            }
            line += w
            lineHasWord = true
        }
        if lineHasWord || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// Wraps every line of `lines` (see `wrap`).
    public static func wrapAll(_ lines: [String], indent: Int = 4) -> [String] {
        lines.flatMap { wrap($0, indent: indent) }
    }

    /// A label column of `labelWidth`, then `fields` joined by two spaces,
    /// wrapped so continuation lines line up under the first field.
    public static func fieldLines(label: String, labelWidth: Int, fields: [String], indent: Int = 2) -> [String] {
        let lead = String(repeating: " ", count: indent)
        let hang = String(repeating: " ", count: indent + labelWidth)
        var lines: [String] = []
        var line = lead + Format.padRight(label, labelWidth)
        var empty = true
        for f in fields where !f.isEmpty {
            let candidate = empty ? line + f : line + "  " + f
            if candidate.count <= width || empty {
                line = candidate
            } else {
                lines.append(line)
                line = hang + f
            }
            empty = false
        }
        lines.append(line)
        return lines.flatMap { wrap($0, indent: indent + labelWidth) }
    }

    /// A column of a fixed-width row.
    public struct Column: Sendable {
        public var width: Int
        public var leftAligned: Bool
        public init(_ width: Int, left: Bool = false) {
            self.width = width
            leftAligned = left
        }
    }

    /// Lays `cells` out in `columns` separated by one space, trailing
    /// blanks removed.
    public static func row(_ cells: [String], _ columns: [Column], indent: Int = 2) -> String {
        var s = String(repeating: " ", count: indent)
        for (i, c) in columns.enumerated() {
            let cell = i < cells.count ? cells[i] : ""
            if i > 0 { s += " " }
            s += c.leftAligned ? Format.padRight(cell, c.width) : Format.pad(cell, c.width)
        }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// A horizontal rule as wide as a report line.
    public static func rule(_ c: Character = "-", width: Int = TextLayout.width) -> String {
        String(repeating: String(c), count: width)
    }

    // MARK: Numbers

    /// Decimals that give `value` about `significant` significant digits
    /// (at most 6 decimals).
    public static func decimals(for value: Double, significant: Int = 4) -> Int {
        let a = abs(value)
        guard a.isFinite, a > 0 else { return 2 }
        var magnitude = 0
        var v = a
        while v >= 10 { v /= 10; magnitude += 1 }
        while v < 1 { v *= 10; magnitude -= 1 }
        return Swift.max(0, Swift.min(6, significant - 1 - magnitude))
    }

    /// A time unit that suits `ns`: the divisor and its name.
    public static func timeUnit(for ns: Double) -> (divisor: Double, name: String) {
        Format.timeUnit(for: ns)
    }

    /// A count with a k/M/G suffix and 4 significant digits ("404.8k").
    public static func compact(_ v: Double) -> String {
        let a = abs(v)
        guard a.isFinite else { return Format.fixed(v, 0) }
        if a < 1_000 { return v == v.rounded() ? Format.fixed(v, 0) : Format.fixed(v, a < 10 ? 2 : 1) }
        for (div, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where a >= div {
            return Format.fixed(v / div, decimals(for: v / div, significant: 4)) + suffix
        }
        return Format.fixed(v, 0)
    }

    /// `v` with at most `digits` decimals, trailing zeros dropped ("0.05").
    public static func trimmed(_ v: Double, _ digits: Int = 4) -> String {
        var s = Format.fixed(v, digits)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A percentage from a fraction: 0.0123 -> "1.2%".
    public static func percent(_ fraction: Double, _ digits: Int = 1) -> String {
        Format.fixed(fraction * 100, digits) + "%"
    }

    /// mmtests' change column: `*  12.34%*` when significant, `(  1.02%)`
    /// otherwise; the number right-aligned in 7 columns, 2 decimals,
    /// always 10 characters for changes under 10000%.
    public static func change(_ pct: Double, significant: Bool) -> String {
        let body = Format.pad(Format.fixed(pct, 2), 7) + "%"
        return significant ? "*" + body + "*" : "(" + body + ")"
    }

    /// A p-value in a narrow column: "0.0123", "<0.0001".
    public static func pValue(_ p: Double?) -> String {
        guard let p else { return "n/a" }
        if p < 0.0001 { return "<0.0001" }
        return Format.fixed(p, 4)
    }

    /// Bytes as the size parameters write them: "4K", "2M", "1G", or bytes.
    public static func size(_ bytes: Double) -> String {
        let units: [(Double, String)] = [(1_099_511_627_776, "T"), (1_073_741_824, "G"), (1_048_576, "M"), (1024, "K")]
        for (u, s) in units where bytes >= u {
            let v = bytes / u
            return (v == v.rounded() ? Format.fixed(v, 0) : Format.fixed(v, 1)) + s
        }
        return Format.fixed(bytes, 0)
    }
}
