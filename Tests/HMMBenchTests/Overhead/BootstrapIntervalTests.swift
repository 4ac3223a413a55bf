import Testing
@testable import HMMBench

struct BootstrapIntervalTests {
    /// Computed independently with numpy 2.4 (its own generator, 400000
    /// resamples; the same interval for seeds 1, 2 and 3):
    ///
    ///     import numpy as np
    ///     a = np.array([812,790,845,803,826,799,861,808,817,795,833,821,806,842,799])
    ///     b = np.array([829,851,818,902,837,812,866,845,830,1490,841,823,858,835,847,829])
    ///     rng = np.random.default_rng(1); B = 400000
    ///     ia = rng.integers(0, len(a), size=(B, len(a)))
    ///     ib = rng.integers(0, len(b), size=(B, len(b)))
    ///     r = np.median(b[ib], axis=1) / np.median(a[ia], axis=1)
    ///     np.percentile(r, [2.5, 97.5])  # [1.00786925, 1.05506884]
    ///     np.median(b) / np.median(a)    # 1.0332512315270936
    static let a: [Double] = [812, 790, 845, 803, 826, 799, 861, 808, 817, 795, 833, 821, 806, 842, 799]
    static let b: [Double] = [829, 851, 818, 902, 837, 812, 866, 845, 830, 1490, 841, 823, 858, 835, 847, 829]

    @Test func matchesAnIndependentNumpyReference() throws {
        let ci = try #require(BootstrapInterval.ratioOfMedians(Self.a, Self.b))
        #expect(abs(ci.low - 1.00786925) < 0.003, "low \(ci.low)")
        #expect(abs(ci.high - 1.05506884) < 0.003, "high \(ci.high)")
        #expect(ci.contains(1.0332512315270936))
        #expect(ci.confidence == 0.95 && ci.resamples == 10_000 && ci.seed == BootstrapInterval.defaultSeed)
        let e = OverheadEntry(op: .read, referenceSamplesNs: Self.a.map { UInt64($0) }, hmmbenchSamplesNs: Self.b)
        #expect(abs(try #require(e.ratioMedian) - 1.0332512315270936) < 1e-12)
        #expect(e.ratioMedianCI == ci)
    }

    @Test func seededAndReproducible() throws {
        let x = BootstrapInterval.ratioOfMedians(Self.a, Self.b, seed: 7)
        #expect(x == BootstrapInterval.ratioOfMedians(Self.a, Self.b, seed: 7))
        let y = try #require(BootstrapInterval.ratioOfMedians(Self.a, Self.b, seed: 8))
        #expect(x != nil && x?.seed == 7 && y.seed == 8)
        // SplitMix64's published first output for seed 0.
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    }

    /// One reference sample and two hmmbench samples: every resampled
    /// median of b is x1, (x1+x2)/2 or x2, so the 95% interval's ends
    /// are exactly x1/a and x2/a.
    @Test func endsAreTheExtremeResampledMedians() throws {
        let ci = try #require(BootstrapInterval.ratioOfMedians([100], [90, 130]))
        #expect(ci.low == 0.9)
        #expect(ci.high == 1.3)
        let flat = try #require(BootstrapInterval.ratioOfMedians([5, 5, 5], [6, 6]))
        #expect(flat.low == 1.2 && flat.high == 1.2)
    }

    @Test func undefinedWithoutSamplesOrWithZeroReference() {
        #expect(BootstrapInterval.ratioOfMedians([], [1]) == nil)
        #expect(BootstrapInterval.ratioOfMedians([1], []) == nil)
        #expect(BootstrapInterval.ratioOfMedians([0, 0], [1, 2]) == nil)
    }
}

struct OverheadTargetTests {
    @Test func targetNeedsTheWholeIntervalWithinOnePercentAndCVAtMostOneAndAHalfTimes() {
        let ref: [UInt64] = [1000, 1010, 990, 1005, 995, 1000, 1002, 998]
        let same = OverheadEntry(op: .read, referenceSamplesNs: ref, hmmbenchSamplesNs: ref.map { Double($0) })
        #expect(same.meetsTarget() == true)
        #expect(!same.exceeds(1.05))
        let slow = OverheadEntry(op: .read, referenceSamplesNs: ref, hmmbenchSamplesNs: ref.map { Double($0) * 1.1 })
        #expect(slow.meetsTarget() == false)
        #expect(slow.exceeds(1.05))
        #expect(!slow.exceeds(1.2))
        // Same median, three times the spread: the CV ratio fails it.
        let noisy = OverheadEntry(op: .read, referenceSamplesNs: ref,
                                  hmmbenchSamplesNs: ref.map { 1000 + (Double($0) - 1000) * 3 })
        #expect((noisy.ratioCV ?? 0) > 1.5)
        #expect(noisy.meetsTarget() == false)
    }
}
