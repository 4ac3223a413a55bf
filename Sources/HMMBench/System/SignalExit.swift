import CShims

/// What Ctrl-C and SIGTERM do in commands that do not poll for them
/// (report, compare, plot, conformance, probe, ...): end the process with
/// exit 130, removing first the temporary file an `AtomicWriter` write may
/// be filling, so no `.tmp.PID` file is ever left behind. `run` replaces it
/// with the engine's handler (stop after the current repetition).
public enum SignalExit {
    /// Installs the handler; call once at start.
    public static func install() {
        _ = hmmb_install_exit_handler()
    }
}
