import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The version comes from the VERSION file and the git commit at build
/// time (Plugins/VersionStamp), not from a literal in the sources.
struct VersionTests {
    static let root = TestFiles.repoRoot

    @Test func theVersionIsTheVersionFileAndTheCommit() throws {
        let base = try String(contentsOf: Self.root.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!base.isEmpty)
        let v = HMMBenchVersion.string
        #expect(v.hasPrefix(base), "\(v) does not start with VERSION \(base)")
        let rest = v.dropFirst(base.count)
        let commit = try Regex("\\+g[0-9a-f]{12}(-dirty)?")
        #expect(rest.isEmpty || rest.wholeMatch(of: commit) != nil, "\(v)")
        if FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".git").path) {
            #expect(rest.hasPrefix("+g"), "built from a git checkout, yet \(v) names no commit")
        }
    }
}
