import Foundation

/// The two axes of a plot panel: size on a log2 scale (ticks at powers of
/// two, at most `maxTicks` of them, labelled 4K, 64K, 2M ...) and GiB/s on
/// a linear scale from 0 to a "nice" top (steps of 1, 2 or 5 x 10^k), or
/// on a log10 scale when the means span more than `logRateSpan` (a panel
/// where 64K faults run at 0.4 GiB/s and 32M ones at 0.004 would
/// otherwise show a flat line at zero). Both map data to a pixel range;
/// the renderer only draws what they say.
public struct PlotAxis: Sendable {
    /// A tick: its value, its text, its pixel position.
    public struct Tick: Equatable, Sendable {
        public var value: Double
        public var label: String
        public var position: Double
    }

    /// Log2 of the data range's ends, with half a step of air at each side.
    let log2Low: Double, log2High: Double
    let left: Double, right: Double
    /// Every how many powers of two a size tick is drawn.
    let sizeEvery: Int
    let firstExponent: Int, lastExponent: Int

    /// Linear: 0...yTop in steps of yStep. Log: 10^yLowExp...10^yHighExp.
    let yTop: Double, yStep: Double
    let yLowExp: Int, yHighExp: Int
    let top: Double, bottom: Double
    /// Whether GiB/s is on a log10 scale.
    public let logRate: Bool

    public static let maxTicks = 10
    /// Largest-to-smallest mean ratio above which GiB/s goes on a log scale.
    public static let logRateSpan = 30.0

    /// Axes for `points` drawn in the pixel box `left`...`right`, `top`...`bottom`.
    public init(points: [SVGPlot.Point], left: Double, right: Double, top: Double, bottom: Double) {
        let xs = points.map(\.x).filter { $0 > 0 }.map(log2)
        var lo = (xs.min() ?? 12).rounded(.down), hi = (xs.max() ?? 12).rounded(.up)
        if hi - lo < 1 { lo -= 1; hi += 1 }
        firstExponent = Int(lo)
        lastExponent = Int(hi)
        sizeEvery = Swift.max(1, (lastExponent - firstExponent + Self.maxTicks - 1) / Self.maxTicks)
        log2Low = lo - 0.5
        log2High = hi + 0.5
        self.left = left
        self.right = right
        let means = points.map(\.y).filter { $0 > 0 && $0.isFinite }
        let highest = points.map { Swift.max($0.high, $0.y) }.filter(\.isFinite).max() ?? 1
        let nice = Self.niceAxis(highest * 1.05)
        yTop = nice.top
        yStep = nice.step
        if let lo = means.min(), let hi = means.max(), hi / lo > Self.logRateSpan {
            logRate = true
            // The means set the decades; a CI reaching past them is cut at
            // the frame (n = 3 can give a CI below zero, which log cannot show).
            yLowExp = Int(log10(lo).rounded(.down))
            yHighExp = Swift.max(yLowExp + 1, Int(log10(Swift.min(highest, hi * 2)).rounded(.up)))
        } else {
            logRate = false
            yLowExp = 0
            yHighExp = 0
        }
        self.top = top
        self.bottom = bottom
    }

    /// Pixel x of a size in bytes (log2 scale).
    public func x(_ bytes: Double) -> Double {
        left + (log2(Swift.max(bytes, 1)) - log2Low) / (log2High - log2Low) * (right - left)
    }

    /// Pixel y of a GiB/s value, clamped to the axis.
    public func y(_ value: Double) -> Double {
        if logRate {
            let lo = Double(yLowExp), hi = Double(yHighExp)
            let e = value > 0 ? Swift.min(Swift.max(log10(value), lo), hi) : lo
            return bottom - (e - lo) / (hi - lo) * (bottom - top)
        }
        let c = Swift.min(Swift.max(value, 0), yTop)
        return bottom - c / yTop * (bottom - top)
    }

    /// Size ticks: powers of two from the smallest size to the largest,
    /// every `sizeEvery`-th, so there are at most `maxTicks`.
    public var sizeTicks: [Tick] {
        stride(from: firstExponent, through: lastExponent, by: sizeEvery).map { e in
            let v = Double(1 << Swift.min(Swift.max(e, 0), 62))
            return Tick(value: v, label: TextLayout.size(v), position: x(v))
        }
    }

    /// GiB/s ticks: linear, from 0 to the top, one per step; log, at
    /// each power of ten (and 2x, 5x between them when the axis spans at
    /// most 3 decades).
    public var rateTicks: [Tick] {
        if logRate {
            let multiples: [Double] = yHighExp - yLowExp <= 3 ? [1, 2, 5] : [1]
            var out: [Tick] = []
            for e in yLowExp...yHighExp {
                for m in multiples where e < yHighExp || m == 1 {
                    let v = m * pow(10, Double(e))
                    out.append(Tick(value: v, label: TextLayout.trimmed(v, Swift.max(0, -e)), position: y(v)))
                }
            }
            return out
        }
        let digits = TextLayout.decimals(for: yStep, significant: 1)
        var out: [Tick] = []
        var v = 0.0
        while v <= yTop + yStep / 2 {
            out.append(Tick(value: v, label: Format.fixed(v, digits), position: y(v)))
            v += yStep
        }
        return out
    }

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
}
