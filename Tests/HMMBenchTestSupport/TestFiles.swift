import Foundation

/// Where tests find the repository and put their scratch files: one
/// definition for both test targets.
public enum TestFiles {
    /// The repository root (the folder holding Package.swift).
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A file or folder of the repository, by its path from the root.
    public static func inRepo(_ path: String) -> String {
        repoRoot.appendingPathComponent(path).path
    }

    /// A fresh, empty directory under the system temporary directory,
    /// named `prefix-<pid>-<uuid>` so parallel tests never share one.
    public static func temporaryDirectory(_ prefix: String) -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(getpid())-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
