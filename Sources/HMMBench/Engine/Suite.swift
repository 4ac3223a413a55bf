import Foundation

/// A named list of flow runs, read from a `.suite` file in bench/suites.
///
/// Format, one directive a line (`#` starts a comment):
///
///     defaults warmup=2 repetitions=10
///     fault-read size=64K,2M mapping=anon populate=yes,no memory=private,coherent
///
/// Comma lists expand into every valid combination; parameters a line
/// leaves out take the flow's defaults. Combinations that can never be
/// valid (64K of a 2 MiB huge page) are left out, with the reason, and
/// `hmmbench list` shows them; a line with no valid combination is an error.
public struct Suite: Sendable {
    /// A combination a suite line expands to but leaves out, and why.
    public struct LeftOut: Codable, Equatable, Sendable {
        public var flow: String
        public var params: [String: String]
        public var reason: String
    }

    public var name: String
    public var description: String
    public var warmup: Int?
    public var repetitions: Int?
    /// Expanded entries, in file order.
    public var entries: [FlowParameters]
    /// Combinations the lines expand to that can never be valid.
    public var leftOut: [LeftOut] = []

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
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let head = words.removeFirst()
            let values: [String: [String]]
            do {
                values = try FlowCatalog.assignments(words)
            } catch let e as HMMBenchError {
                throw HMMBenchError.usage("suite \(name) line \(lineNo): \(e.message)", hint: e.hint)
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
                let combos = try catalog.expand(flow: head, values: values)
                let valid = combos.filter { $0.impossibility() == nil }
                if valid.isEmpty, let reason = combos.first?.impossibility() {
                    throw HMMBenchError.usage("\(head): no valid combination: \(reason)")
                }
                suite.entries += valid
                suite.leftOut += combos.compactMap { c in
                    c.impossibility().map { LeftOut(flow: c.flow, params: c.values, reason: $0) }
                }
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

    /// Checks a `--suite-dir`: a usage error when it is not a directory
    /// (a typo there would otherwise fall through to the other folders).
    public static func requireDirectory(_ dir: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
            throw HMMBenchError.usage("--suite-dir \(dir) does not exist", hint: "the suites of this tree are in bench/suites")
        }
        guard isDir.boolValue else { throw HMMBenchError.usage("--suite-dir \(dir) is not a directory") }
    }

    /// Loads `NAME` (or a path to a .suite file).
    public static func load(_ nameOrPath: String, searchDirectory: String? = nil, catalog: FlowCatalog = .standard) throws -> Suite {
        let fm = FileManager.default
        if let searchDirectory { try requireDirectory(searchDirectory) }
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
