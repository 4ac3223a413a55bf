/// What the engine reads the kernel's counters through around one
/// repetition (`CounterReader`; tests give a recording fake). `read` runs
/// right before and right after measure(), so it must do nothing but
/// system calls; `record` and `summaries` run after the window.
public protocol RepetitionCounters: AnyObject {
    /// Room for this many recorded repetitions (before the first one).
    func reserve(_ repetitions: Int)
    /// Reads every counter source into the `slot` snapshot.
    func read(_ slot: CounterReader.Slot)
    /// Keeps the delta of the last `.before` and `.after` reads as one
    /// repetition's.
    func record()
    /// Per-counter deltas of the recorded repetitions, in order, keeping
    /// only counters that moved in some repetition (plus `interrupts:TLB`,
    /// whose zero is informative).
    func summaries() -> [String: CounterSummary]
}
