import Foundation

/// A run record read from disk, with the name reports call it by.
public struct LoadedRun: Equatable, Sendable {
    /// The path as given.
    public var path: String
    /// The file's base name ("base.json"): what tables and legends show.
    public var name: String
    public var record: RunRecord

    public init(path: String, record: RunRecord) {
        self.path = path
        self.name = path.split(separator: "/").last.map(String.init) ?? path
        self.record = record
    }
}

/// Loads run records and checks them before anything reports on them.
/// Every failure is one `.data` error line naming the file and the
/// problem: missing, empty, truncated, not JSON, not a run record, an
/// unsupported `schema_version`, a field of the wrong type, or results
/// whose stored summary does not match their samples.
public enum RunReader {
    /// Reads and validates the run record at `path`.
    public static func load(_ path: String) throws -> LoadedRun {
        LoadedRun(path: path, record: try decode(try readFile(path), path: path))
    }

    /// Reads and validates several files, failing on the first bad one.
    /// Runs whose file names collide (bench/vm/run writes KERNEL/run.json)
    /// are named by their last two path components instead.
    public static func load(_ paths: [String]) throws -> [LoadedRun] {
        var runs = try paths.map { try load($0) }
        let names = runs.map(\.name)
        for i in runs.indices where names.filter({ $0 == names[i] }).count > 1 {
            runs[i].name = runs[i].path.split(separator: "/").suffix(2).joined(separator: "/")
        }
        return runs
    }

    static func readFile(_ path: String) throws -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw HMMBenchError(.data, "\(path): no such file")
        }
        guard !isDir.boolValue else { throw HMMBenchError(.data, "\(path): is a directory, not a result file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HMMBenchError(.data, "\(path): cannot read (permission denied?)")
        }
        return data
    }

    /// Decodes and validates a run record from `data`; `path` names it in
    /// errors.
    public static func decode(_ data: Data, path: String) throws -> RunRecord {
        let text = String(decoding: data, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw HMMBenchError(.data, "\(path): empty file, not a run record") }

        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            if trimmed.hasPrefix("{") {
                throw HMMBenchError(.data, "\(path): malformed JSON (truncated or corrupt, \(data.count) bytes)",
                                    hint: "was the run interrupted while writing? rerun it")
            }
            throw HMMBenchError(.data, "\(path): not JSON (an hmmbench result file is a JSON object)")
        }
        guard let dict = object as? [String: Any] else {
            throw HMMBenchError(.data, "\(path): not an hmmbench run record (top level is not a JSON object)")
        }
        guard let version = dict["schema_version"] else {
            throw HMMBenchError(.data, "\(path): no schema_version: not an hmmbench run record")
        }
        guard let number = version as? NSNumber, let v = Int(exactly: number.doubleValue) else {
            throw HMMBenchError(.data, "\(path): schema_version is not an integer")
        }
        guard RunRecord.readableSchemaVersions.contains(v) else {
            let known = RunRecord.readableSchemaVersions
            throw HMMBenchError(.data, "\(path): unknown schema_version \(v) (this hmmbench reads \(known.lowerBound) to \(known.upperBound))",
                                hint: v > RunRecord.currentSchemaVersion ? "written by a newer hmmbench; use that version to read it" : nil)
        }
        if let tool = dict["tool"] as? String, tool != "hmmbench" {
            throw HMMBenchError(.data, "\(path): written by '\(tool)', not hmmbench")
        }

        let record: RunRecord
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            record = try decoder.decode(RunRecord.self, from: data)
        } catch let error as DecodingError {
            throw HMMBenchError(.data, "\(path): \(describe(error))")
        } catch {
            throw HMMBenchError(.data, "\(path): cannot decode run record: \(error)")
        }
        var upgraded = record
        upgradeVersion1(&upgraded)
        try validate(upgraded, path: path)
        // The samples are the source of truth: summaries are recomputed
        // once here, so a file written by an older hmmbench (or edited by
        // hand) is reported exactly like a fresh run of the same samples.
        for i in upgraded.results.indices { upgraded.results[i].resummarize() }
        return upgraded
    }

    /// Version 1 recorded failed kernel calls as skips whose reason starts
    /// with "failed: ". They were failures: read them as such, so reports
    /// and compare never present an old failure as a skip.
    static func upgradeVersion1(_ record: inout RunRecord) {
        guard record.schemaVersion == 1 else { return }
        let prefix = "failed: "
        for s in record.skipped where s.reason.hasPrefix(prefix) {
            record.failed.append(FailedFlow(flow: s.flow, params: s.params, stage: .measure,
                                            reason: String(s.reason.dropFirst(prefix.count))))
        }
        record.skipped.removeAll { $0.reason.hasPrefix(prefix) }
    }

    /// Checks that stored summaries agree with the samples they summarise.
    static func validate(_ record: RunRecord, path: String) throws {
        for (i, r) in record.results.enumerated() {
            let place = "results[\(i)] (\(r.matchKey))"
            guard r.stats.n == r.samplesNs.count else {
                throw HMMBenchError(.data, "\(path): \(place): stats.n is \(r.stats.n) but there are \(r.samplesNs.count) samples")
            }
            guard r.bytesPerOp >= 0, r.pagesPerOp >= 0 else {
                throw HMMBenchError(.data, "\(path): \(place): negative bytes_per_op or pages_per_op")
            }
            guard r.samplesNs.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw HMMBenchError(.data, "\(path): \(place): samples_ns holds a negative or non-finite time")
            }
            guard r.opsPerSample >= 1 else {
                throw HMMBenchError(.data, "\(path): \(place): ops_per_sample is \(r.opsPerSample), must be 1 or more")
            }
            if let done = r.pagesDone, done.count != r.samplesNs.count {
                throw HMMBenchError(.data, "\(path): \(place): pages_done has \(done.count) entries for \(r.samplesNs.count) samples")
            }
            if let counted = r.countedSamplesNs {
                guard r.counterMode == .separate else {
                    throw HMMBenchError(.data, "\(path): \(place): counted_samples_ns with counter_mode \(r.counterMode.rawValue)")
                }
                guard counted.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                    throw HMMBenchError(.data, "\(path): \(place): counted_samples_ns holds a negative or non-finite time")
                }
                if let (name, c) = r.counters.first(where: { $0.value.perRepetition.count != counted.count }) {
                    throw HMMBenchError(.data, "\(path): \(place): counter \(name) has \(c.perRepetition.count) entries "
                                        + "for \(counted.count) counted repetitions")
                }
            }
        }
    }

    /// "field results[2].samples_ns: expected an array" and friends.
    static func describe(_ error: DecodingError) -> String {
        func where_(_ path: [CodingKey]) -> String {
            var s = ""
            for key in path {
                if let i = key.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + key.stringValue }
            }
            return s.isEmpty ? "top level" : s
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let parent = where_(ctx.codingPath)
            return "missing field \(parent == "top level" ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(let type, let ctx):
            return "field \(where_(ctx.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let ctx):
            return "field \(where_(ctx.codingPath)): null where \(typeName(type)) is required"
        case .dataCorrupted(let ctx):
            return "field \(where_(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "cannot decode run record"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let s = String(describing: type)
            if s.hasPrefix("Array") { return "an array" }
            if s.hasPrefix("Dictionary") { return "an object" }
            return s
        }
    }
}
