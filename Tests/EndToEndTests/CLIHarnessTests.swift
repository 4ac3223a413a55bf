import Foundation
import Testing

/// The harness every end-to-end test runs the binary through.
struct CLIHarnessTests {
    /// A child that fills stderr before it writes stdout, each far past a
    /// pipe's 64 KiB: a harness that reads stdout to its end first never
    /// returns here, one that drains both streams at once gets every byte.
    @Test func bothStreamsPastAPipeBufferComeBackWhole() throws {
        let bytes = 300 * 1024
        let script = "head -c \(bytes) /dev/zero | tr '\\0' e >&2; head -c \(bytes) /dev/zero | tr '\\0' o; exit 7"
        let r = try CLI.run(["-c", script], executable: "/bin/sh")
        #expect(r.status == 7)
        #expect(r.stderr.utf8.count == bytes)
        #expect(r.stdout.utf8.count == bytes)
        #expect(r.stderr.utf8.allSatisfy { $0 == UInt8(ascii: "e") })
        #expect(r.stdout.utf8.allSatisfy { $0 == UInt8(ascii: "o") })
    }
}
