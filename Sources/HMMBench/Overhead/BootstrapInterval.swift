/// A percentile bootstrap confidence interval for the ratio of two
/// medians, median(b) / median(a), with a seeded generator so the same
/// samples always give the same interval.
///
/// Method: `resamples` times, draw |a| values from `a` and |b| values
/// from `b` with replacement (each sample independently: the two tools'
/// repetitions are not paired one to one), take the ratio of the two
/// medians (numpy's linear median); the interval is the 2.5th and 97.5th
/// percentiles (numpy's linear percentile) of those ratios. Draws come
/// from SplitMix64 seeded with `seed`, an index taken as
/// `next() % count` (the bias is below 2^-50 for any sample count here).
public struct BootstrapInterval: Codable, Equatable, Sendable {
    public var low: Double
    public var high: Double
    public var confidence: Double
    public var resamples: Int
    public var seed: UInt64

    public init(low: Double, high: Double, confidence: Double, resamples: Int, seed: UInt64) {
        self.low = low
        self.high = high
        self.confidence = confidence
        self.resamples = resamples
        self.seed = seed
    }

    public static let defaultResamples = 10_000
    /// "hmmb" in ASCII.
    public static let defaultSeed: UInt64 = 0x686D_6D62

    /// Whether `x` lies inside [low, high].
    public func contains(_ x: Double) -> Bool { low <= x && x <= high }

    /// The interval of median(b) / median(a); nil when either sample is
    /// empty or a resampled median of `a` is not positive.
    public static func ratioOfMedians(_ a: [Double], _ b: [Double], confidence: Double = 0.95,
                                      resamples: Int = defaultResamples, seed: UInt64 = defaultSeed) -> BootstrapInterval? {
        guard !a.isEmpty, !b.isEmpty, resamples > 0, confidence > 0, confidence < 1 else { return nil }
        var rng = SplitMix64(seed: seed)
        var ra = [Double](repeating: 0, count: a.count)
        var rb = [Double](repeating: 0, count: b.count)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in 0..<a.count { ra[i] = a[Int(rng.next() % UInt64(a.count))] }
            for i in 0..<b.count { rb[i] = b[Int(rng.next() % UInt64(b.count))] }
            ra.sort()
            rb.sort()
            let ma = Statistics.percentile(sorted: ra, 50)
            guard ma > 0 else { return nil }
            ratios.append(Statistics.percentile(sorted: rb, 50) / ma)
        }
        ratios.sort()
        let tail = (1 - confidence) / 2 * 100
        return BootstrapInterval(low: Statistics.percentile(sorted: ratios, tail),
                                 high: Statistics.percentile(sorted: ratios, 100 - tail),
                                 confidence: confidence, resamples: resamples, seed: seed)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator
/// whose whole state is the seed, so a seed names a sequence exactly.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
