import Foundation

/// A named list of flow runs, read from a `.suite` file in bench/suites.
///
/// Format, one directive a line (`#` starts a comment):
///
///     defaults warmup=2 repetitions=10
///     fault-read size=64K,2M mapping=anon populate=yes,no memory=private,coherent
///
/// Comma lists expand into every combination; parameters a line leaves out
/// take the flow's defaults.
public struct Suite: Sendable {
    public var name: String
    public var description: String
    public var warmup: Int?
    public var repetitions: Int?
    /// Expanded entries, in file order.
    public var entries: [FlowParameters]

    /// Parses suite text. Unknown flows and parameters are errors naming the line.
    public static func parse(name: String, text: String, catalog: FlowCatalog = .standard) throws -> Suite {
        var suite = Suite(name: name, description: "", warmup: nil, repetitions: nil, entries: [])
        for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = i + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                if suite.description.isEmpty, line.count > 1 {
                    suite.description = line.dropFirst().trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            if line.isEmpty { continue }
            var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let head = words.removeFirst()
            var values: [String: [String]] = [:]
            for w in words {
                let kv = w.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[1].isEmpty else {
                    throw HMMBenchError.usage("suite \(name) line \(lineNo): '\(w)' is not key=value")
                }
                values[kv[0]] = kv[1].split(separator: ",").map(String.init)
            }
            if head == "defaults" {
                for (k, v) in values {
                    guard let n = Int(v[0]) else { throw HMMBenchError.usage("suite \(name) line \(lineNo): \(k)=\(v[0]) is not a number") }
                    switch k {
                    case "warmup": suite.warmup = n
                    case "repetitions": suite.repetitions = n
                    default: throw HMMBenchError.usage("suite \(name) line \(lineNo): unknown default '\(k)'")
                    }
                }
                continue
            }
            do {
                suite.entries += try catalog.expand(flow: head, values: values)
            } catch let e as HMMBenchError {
                throw HMMBenchError.usage("suite \(name) line \(lineNo): \(e.message)", hint: e.hint)
            }
        }
        guard !suite.entries.isEmpty else { throw HMMBenchError.usage("suite \(name) has no flows") }
        return suite
    }

    /// Folders searched for `NAME.suite`: `--suite-dir`, $HMMBENCH_SUITES,
    /// ./bench/suites, bench/suites above the executable, /usr/share/hmmbench/suites.
    public static func searchPath(explicit: String? = nil) -> [String] {
        var dirs: [String] = []
        if let explicit { dirs.append(explicit) }
        if let env = ProcessInfo.processInfo.environment["HMMBENCH_SUITES"] { dirs.append(env) }
        dirs.append(FileManager.default.currentDirectoryPath + "/bench/suites")
        var exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                      ?? CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            dirs.append(exe.appendingPathComponent("bench/suites").path)
            exe = exe.deletingLastPathComponent()
        }
        dirs.append("/usr/share/hmmbench/suites")
        return dirs
    }

    /// Loads `NAME` (or a path to a .suite file).
    public static func load(_ nameOrPath: String, searchDirectory: String? = nil, catalog: FlowCatalog = .standard) throws -> Suite {
        let fm = FileManager.default
        if nameOrPath.hasSuffix(".suite") || nameOrPath.contains("/") {
            guard let text = try? String(contentsOfFile: nameOrPath, encoding: .utf8) else {
                throw HMMBenchError(.usage, "cannot read suite file \(nameOrPath)")
            }
            let base = URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent
            return try parse(name: base, text: text, catalog: catalog)
        }
        let dirs = searchPath(explicit: searchDirectory)
        for d in dirs {
            let p = "\(d)/\(nameOrPath).suite"
            if fm.fileExists(atPath: p), let text = try? String(contentsOfFile: p, encoding: .utf8) {
                return try parse(name: nameOrPath, text: text, catalog: catalog)
            }
        }
        let known = Set(dirs.flatMap { (try? fm.contentsOfDirectory(atPath: $0)) ?? [] }
            .filter { $0.hasSuffix(".suite") }.map { String($0.dropLast(6)) }).sorted()
        throw HMMBenchError.usage("unknown suite '\(nameOrPath)'",
                                  hint: known.isEmpty ? "no suite folder found; pass --suite-dir bench/suites"
                                                      : "suites: \(known.joined(separator: ", "))")
    }
}
