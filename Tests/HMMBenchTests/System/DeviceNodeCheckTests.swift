import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The kernel backend checks /dev/hmm_dmirror0 before a run without
/// opening it (an open leaves the process's mm with mmu-notifier
/// subscriptions): absence, a node whose major is not test_hmm's, and a
/// readable node each come out as an open would.
struct DeviceNodeCheckTests {
    static let devices = "Character devices:\n  1 mem\n  4 tty\n240 HMM_DMIRROR\n\nBlock devices:\n  7 loop\n"

    @Test func readsTestHmmsMajorFromProcDevices() {
        #expect(BackendSelector.dmirrorMajor(Self.devices) == 240)
        #expect(BackendSelector.dmirrorMajor("Character devices:\n  1 mem\n") == nil)
    }

    @Test func missingStaleAndGoodNodes() throws {
        // Missing: the "module not loaded" error an open gives.
        do {
            try BackendSelector.checkOpen("/nonexistent/hmm_dmirror0", index: 0, procDevices: Self.devices)
            Issue.record("a missing node passed")
        } catch let e as HMMBenchError {
            #expect(e.kind == .environment && e.errno == ENOENT && e.message.contains("not loaded"))
        }
        // /dev/null is a character device of major 1, not test_hmm's 240:
        // the stale-major error (ENXIO).
        do {
            try BackendSelector.checkOpen("/dev/null", index: 0, procDevices: Self.devices)
            Issue.record("a node of another driver passed")
        } catch let e as HMMBenchError {
            #expect(e.errno == ENXIO && e.message.contains("no driver answers"), "\(e.message)")
        }
        // The same node when /proc/devices says major 1 is test_hmm's.
        try BackendSelector.checkOpen("/dev/null", index: 0, procDevices: "Character devices:\n  1 HMM_DMIRROR\n")
        // No HMM_DMIRROR line at all: the module is gone, the node stale.
        #expect(throws: HMMBenchError.self) {
            try BackendSelector.checkOpen("/dev/null", index: 0, procDevices: "Character devices:\n  1 mem\n")
        }
        // A regular file (tests' fake device directories) has no major.
        let dir = TestFiles.temporaryDirectory("node-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/hmm_dmirror0", contents: Data())
        try BackendSelector.checkOpen(dir + "/hmm_dmirror0", index: 0, procDevices: Self.devices)
    }
}
