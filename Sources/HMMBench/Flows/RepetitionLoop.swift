/// A flow instance whose timed repetitions need nothing between them (one
/// call on a mapping kept across repetitions, e.g. snapshot): `Runner`
/// lets it time a run of repetitions in one loop, so that none of the
/// engine's code runs between two calls. Code run between calls slows the
/// next one (under TCG, 2% of a 92 us snapshot for twenty snprintf calls:
/// bench/README.md); a C loop such as hmm-ref's runs none. The warm-up
/// repetitions are the first calls of the first loop (dropped), so the
/// first timed call follows a call too.
public protocol RepetitionLoop: FlowInstance {
    /// Times up to `samples.count` repetitions into `samples` (after one
    /// `prepare()`, which for such a flow leaves the state as it is), and
    /// returns how many; `stop` is asked before each (the interrupt flag).
    /// Throws what `measure()` throws when a call fails.
    func measureLoop(into samples: UnsafeMutableBufferPointer<UInt64>, stop: () -> Bool) throws -> Int
}
