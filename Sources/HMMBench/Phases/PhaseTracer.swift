/// What the engine calls around each measured repetition of a traced run,
/// outside the timed window and outside the counter reads: `run --phases`
/// writes a trace_marker line there, so the trace can be cut into
/// repetitions. The Runner calls none when it has no tracer.
public protocol PhaseTracer: AnyObject {
    /// Before repetition `index` (0-based) is measured.
    func repetitionWillStart(_ index: Int)
    /// After it was measured.
    func repetitionDidEnd(_ index: Int)
}
