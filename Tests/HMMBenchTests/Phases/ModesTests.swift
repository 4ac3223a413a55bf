import Testing
@testable import HMMBench

/// Two groups of samples are reported as two modes, with the counter that
/// separates them; one group is not.
struct ModesTests {
    @Test func bimodalSamplesSplitWithTheSeparatingCounter() throws {
        let xs = [18e6, 60e6, 17e6, 45e6, 19e6, 79e6]
        let cal: [Int64] = [10, 1030, 12, 1010, 9, 1040]
        let noise: [Int64] = [5, 5, 7, 4, 6, 5]
        let m = try #require(Modes.detect(xs, counters: ["interrupts:CAL": cal, "pgfault": noise]))
        #expect(m.low == [0, 2, 4])
        #expect(m.high == [1, 3, 5])
        #expect(m.separatingCounter?.name == "interrupts:CAL")
        #expect(m.lowMedian == 18e6)
    }

    @Test func oneGroupOrOneOutlierIsNotTwoModes() {
        #expect(Modes.detect([10, 11, 12, 10.5, 11.5]) == nil)
        // One slow repetition is an outlier, not a mode.
        #expect(Modes.detect([10, 11, 12, 10.5, 40]) == nil)
        #expect(Modes.detect([10, 30, 11]) == nil)
    }
}
