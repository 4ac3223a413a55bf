/// How the engine reads the kernel's event counters (/proc/vmstat,
/// /proc/interrupts) for a flow.
///
/// Reading /proc between a repetition's prepare() and its timed window has
/// a measurable after-effect on short operations (bench/README.md: the
/// snapshot row of `hmmbench overhead`), so by default the timed
/// repetitions read nothing: the counters come from separate counted
/// repetitions run after them.
public enum CounterMode: String, Codable, Sendable, CaseIterable {
    /// Default. The timed repetitions read no counters; afterwards
    /// `RunOptions.counted` more repetitions run through the same
    /// prepare/measure path with the counters read around measure(). Their
    /// times are recorded too (`counted_samples_ns`), never in the
    /// statistics.
    case separate
    /// Counters read around every timed repetition (the engine before
    /// counted repetitions): a counter pairs with that repetition's time.
    /// A diagnostic: the reads sit right before the window.
    case paired
    /// No counter reads at all.
    case off

    /// Counted repetitions when `--counted` is not given: min(repetitions, 5).
    public static let defaultCounted = 5

    /// Parses `--counters`, or a usage error naming the choices.
    public static func parse(_ text: String) throws -> CounterMode {
        guard let mode = CounterMode(rawValue: text) else {
            throw HMMBenchError.usage("--counters \(text) is not one of \(allCases.map(\.rawValue).joined(separator: ", "))",
                                      hint: "separate (default): counters from extra counted repetitions after the timed ones; "
                                          + "paired: around every timed repetition (diagnosis); off: none")
        }
        return mode
    }
}
