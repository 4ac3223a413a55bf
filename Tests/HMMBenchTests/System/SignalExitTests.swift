import CShims
import Foundation
import Testing
@testable import HMMBench

/// The handler every command but `run` gets: the first SIGINT removes the
/// temporary file a write is filling and exits 130. Checked in a forked
/// child that only makes async-signal-safe calls before it exits.
struct SignalExitTests {
    @Test func firstSignalRemovesThePendingFileAndExits130() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hmmbench-signal-\(getpid()).tmp.1").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("half".utf8)))
        defer { unlink(path) }
        let pid = fork()
        if pid == 0 {
            // Child: silence stderr, install, register, signal ourselves.
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, STDERR_FILENO) }
            _ = hmmb_install_exit_handler()
            _ = hmmb_set_pending_file(path)
            raise(SIGINT)
            _exit(0)  // not reached when the handler works
        }
        #expect(pid > 0)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        let exited = status & 0x7f == 0
        #expect(exited, "child died of signal \(status & 0x7f)")
        #expect((status >> 8) & 0xff == 130)
        #expect(!FileManager.default.fileExists(atPath: path), "the temporary file was left behind")
    }
}
