import Testing
@testable import HMMBench

/// Two groups of samples are reported as two modes, with the counter that
/// separates them; one group, or one group with a tail, is not.
struct ModesTests {
    @Test func bimodalSamplesSplitWithTheSeparatingCounter() throws {
        let xs = [18e6, 60e6, 17e6, 45e6, 19e6, 79e6]
        let cal: [Int64] = [10, 1030, 12, 1010, 9, 1040]
        let noise: [Int64] = [5, 5, 7, 4, 6, 5]
        let m = try #require(Modes.detect(xs, counters: ["interrupts:CAL": cal, "pgfault": noise]))
        #expect(m.low == [0, 2, 4])
        #expect(m.high == [1, 3, 5])
        #expect(m.between.isEmpty)
        #expect(m.separatingCounter?.name == "interrupts:CAL")
        #expect(m.lowMedian == 18e6)
    }

    @Test func oneGroupOrOneOutlierIsNotTwoModes() {
        #expect(Modes.detect([10, 11, 12, 10.5, 11.5]) == nil)
        // One slow repetition is an outlier, not a mode.
        #expect(Modes.detect([10, 11, 12, 10.5, 40]) == nil)
        #expect(Modes.detect([10, 30, 11]) == nil)
    }

    // 6.12.118 in the test bed (TCG), numa-move-pages size=2M batch=1,
    // --cpu 0, --counters paired, bench/vm/steps/rcu-worker-modes.sh:
    // ms per repetition and CAL IPIs per repetition, in run order.

    static let movedMs = [36.64, 37.51, 36.82, 36.54, 36.30, 36.16, 36.29, 36.48, 36.77, 36.75, 36.23, 37.34, 36.32, 37.13,
        37.69, 37.19, 36.04, 36.68, 36.00, 36.42, 36.72, 36.64, 36.62, 36.54, 36.62, 37.02, 36.28, 37.11,
        36.63, 36.11, 37.10, 36.80, 36.01, 55.85, 62.74, 60.95, 60.78, 63.64, 60.88, 61.42, 60.67, 61.24,
        60.51, 63.67, 62.82, 61.35, 61.24, 60.94, 61.30, 61.30, 62.72, 64.26, 60.85, 61.22, 61.43, 61.50,
        63.21, 62.02, 62.04, 60.97]
    static let movedCAL: [Int64] = [5, 3, 2, 4, 4, 0, 4, 5, 2, 2, 0, 8, 1, 13, 8, 7, 2, 3, 2, 1, 3, 2, 5, 1, 4, 4, 4, 6, 3, 0,
        7, 2, 0, 418, 1084, 1063, 1053, 1077, 1057, 1062, 1050, 1063, 1047, 1096, 1051, 1081, 1053,
        1045, 1057, 1054, 1057, 1043, 1052, 1052, 1049, 1045, 1061, 1054, 1047, 1038]

    /// The expedited-RCU worker moved from CPU 0 to CPU 1 during the run:
    /// 33 repetitions with it on the measuring CPU, 26 with it on the
    /// other, and one (55.85 ms, 418 CAL IPIs) during which it moved.
    @Test func theWorkerMovedMidRun() throws {
        let ms = Self.movedMs, cal = Self.movedCAL
        let pgmigrate = [Int64](repeating: 512, count: ms.count)
        let m = try #require(Modes.detect(ms.map { $0 * 1e6 },
                                          counters: ["interrupts:CAL": cal, "pgmigrate_success": pgmigrate]))
        #expect(m.low == Array(0...32))
        #expect(m.between == [33])
        #expect(m.high == Array(34...59))
        #expect(abs(m.lowMedian - 36.6e6) < 0.05e6)
        #expect(abs(m.highMedian - 61.3e6) < 0.05e6)
        let c = try #require(m.separatingCounter)
        #expect(c.name == "interrupts:CAL")
        #expect(c.lowMean < 5 && c.highMean > 1040)
    }

    /// The worker placed on one CPU for the whole run: one mode each,
    /// though each has a slow tail (43.26 ms; 71.10 and 82.91 ms).
    @Test func theWorkerPlacedForTheWholeRun() {
        let same = [38.63, 43.26, 38.55, 39.93, 39.25, 38.62, 38.36, 38.99, 38.47, 38.29, 38.45, 39.11, 38.60, 38.81,
                    39.00, 38.72, 38.44, 39.15, 38.74, 38.64]
        let other = [59.47, 59.18, 61.37, 59.98, 61.11, 63.38, 71.10, 59.04, 60.21, 59.20, 59.12, 58.69, 62.42, 60.46,
                     59.42, 58.69, 58.17, 58.79, 59.01, 82.91]
        #expect(Modes.detect(same.map { $0 * 1e6 }) == nil)
        #expect(Modes.detect(other.map { $0 * 1e6 }) == nil)
    }

    /// Samples between the modes are tolerated only while they are few
    /// (one in twenty): four spread over the gap make one wide group.
    @Test func manySamplesBetweenAreNotTwoModes() {
        let low = [10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7, 10.8, 10.9]
        let high = [30.0, 30.1, 30.2, 30.3, 30.4, 30.5, 30.6, 30.7, 30.8, 31.0]
        #expect(Modes.detect(low + [14, 17, 20, 23] + high) == nil)
        // The same with one of them: two modes and one between.
        let m = Modes.detect(low + [18] + high)
        #expect(m?.between == [10])
        #expect(Modes.allowedBetween(60) == 3)
        #expect(Modes.allowedBetween(19) == 0)
    }
}
