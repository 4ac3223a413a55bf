import Foundation
import Testing
@testable import HMMBench

@Suite("PlotAxis")
struct PlotAxisTests {
    static let mib2 = 2_097_152.0, mib32 = 33_554_432.0, mib64 = 67_108_864.0

    static func point(_ x: Double, _ y: Double, spread: Double = 0.05) -> SVGPlot.Point {
        SVGPlot.Point(x: x, y: y, low: y * (1 - spread), high: y * (1 + spread))
    }

    static func axis(_ points: [SVGPlot.Point]) -> PlotAxis {
        PlotAxis(points: points, left: 100, right: 600, top: 50, bottom: 250)
    }

    /// Size ticks sit at every power of two from the smallest size to the
    /// largest, equally spaced (a log scale), and a point at a tick's size
    /// is drawn exactly at that tick.
    @Test func sizeAxisIsLog2() {
        let a = Self.axis([Self.point(65536, 1), Self.point(Self.mib2, 2), Self.point(Self.mib32, 3)])
        let ticks = a.sizeTicks
        #expect(ticks.map(\.label) == ["64K", "128K", "256K", "512K", "1M", "2M", "4M", "8M", "16M", "32M"])
        let gaps: [Double] = zip(ticks.dropFirst(), ticks).map { (b: PlotAxis.Tick, a: PlotAxis.Tick) in b.position - a.position }
        #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 1e-9 } && gaps[0] > 0)
        #expect(a.x(Self.mib2) == ticks[5].position)
        // Equal ratios, equal distances: 64K -> 2M is 5 steps, 2M -> 32M is 4.
        #expect(abs((a.x(Self.mib2) - a.x(65536)) / (a.x(Self.mib32) - a.x(Self.mib2)) - 5.0 / 4.0) < 1e-9)
        // Inside the frame, with air at both ends.
        #expect(a.x(65536) > 100 && a.x(Self.mib32) < 600)
    }

    /// A wide range keeps at most `maxTicks` ticks, still at powers of two.
    @Test func wideSizeRangeThinsTicks() {
        let a = Self.axis([Self.point(4096, 1), Self.point(Double(1 << 30), 1)])
        let ticks = a.sizeTicks
        #expect(ticks.count <= PlotAxis.maxTicks && ticks.count >= 5)
        #expect(ticks.first?.label == "4K")
        for t in ticks { #expect(log2(t.value) == log2(t.value).rounded()) }
    }

    /// One size: one tick, the point in the middle.
    @Test func singleSize() {
        let a = Self.axis([Self.point(Self.mib64, 0.02)])
        #expect(a.sizeTicks.map(\.label).contains("64M"))
        let middle: Double = a.x(Self.mib64)
        #expect(abs(middle - 350) < 1e-9)
    }

    /// GiB/s is linear from 0 while the means are within `logRateSpan`
    /// of each other, with a nice top above the highest CI.
    @Test func linearRateAxis() {
        let a = Self.axis([Self.point(4096, 1.2), Self.point(65536, 5.6)])
        #expect(!a.logRate)
        #expect(a.rateTicks.first?.value == 0 && a.rateTicks.first?.position == 250)
        #expect(a.rateTicks.map(\.label) == ["0", "2", "4", "6", "8"])
        #expect(a.y(5.6) > 50 && a.y(5.6) < 250)
    }

    /// Means spanning more than `logRateSpan`: log10 GiB/s, ticks at
    /// 1, 2, 5 x 10^k, each decade the same height.
    @Test func logRateAxisForWideRanges() {
        let a = Self.axis([Self.point(65536, 0.4), Self.point(Self.mib2, 0.004), Self.point(Self.mib32, 0.002)])
        #expect(a.logRate)
        let labels = a.rateTicks.map(\.label)
        #expect(labels.first == "0.001" && labels.last == "1")
        #expect(labels.contains("0.01") && labels.contains("0.1") && labels.contains("0.2") && labels.contains("0.005"))
        let low: Double = a.y(0.001) - a.y(0.01), high: Double = a.y(0.01) - a.y(0.1)
        #expect(abs(low - high) < 1e-9)
        // A CI reaching below zero is cut at the frame, not lost.
        #expect(a.y(-0.5) == 250)
    }
}
