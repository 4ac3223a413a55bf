import CShims

/// The CPUs this process may run on, read before anything is pinned
/// (pinning the measuring thread narrows its own mask, and threads it
/// starts inherit that).
public enum CPUSet {
    /// Largest CPU id looked at (glibc's CPU_SETSIZE).
    static let limit = 1024

    /// Ids of the CPUs in the calling thread's affinity mask, ascending.
    public static func allowed() -> [Int] {
        (0..<limit).filter { hmmb_cpu_allowed(Int32($0)) == 1 }
    }

    /// The set as it was before any pinning: `Runner.pin` reads this before
    /// it narrows the calling thread's mask, so the first read comes first.
    public static let atStart: [Int] = allowed()
}
