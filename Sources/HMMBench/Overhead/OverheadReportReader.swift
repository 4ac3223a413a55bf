import Foundation

/// Reads a stored `hmmbench overhead` report (`--out FILE`) back, for
/// `overhead --check` and bench/vm/smoke: every problem is one
/// line naming the file (missing, empty, not JSON, not an overhead
/// report, a schema this hmmbench does not read, a field of the wrong
/// type). Files of schema 1 (sequential runs, neither tool pinned, no
/// interval method recorded) read with those fields marked as such.
public enum OverheadReportReader {
    public static let readableSchemaVersions = 1...OverheadReport.currentSchemaVersion

    public static func load(_ path: String) throws -> OverheadReport {
        let data = try RunReader.readFile(path)
        guard !String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HMMBenchError(.data, "\(path): empty file, not an overhead report")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data, options: []) else {
            throw HMMBenchError(.data, "\(path): not JSON (truncated or corrupt, \(data.count) bytes)")
        }
        guard let dict = object as? [String: Any], dict["tool"] as? String == "hmmbench overhead" else {
            throw HMMBenchError(.data, "\(path): not an hmmbench overhead report (no \"tool\": \"hmmbench overhead\")",
                                hint: "a run record is read by 'hmmbench report'")
        }
        guard let number = dict["schema_version"] as? NSNumber, let v = Int(exactly: number.doubleValue),
              readableSchemaVersions.contains(v) else {
            throw HMMBenchError(.data, "\(path): schema_version \(dict["schema_version"].map { "\($0)" } ?? "missing") is not one "
                                + "this hmmbench reads (\(readableSchemaVersions.lowerBound) to \(readableSchemaVersions.upperBound))")
        }
        do {
            return try JSONDecoder().decode(OverheadReport.self, from: data)
        } catch let error as DecodingError {
            throw HMMBenchError(.data, "\(path): \(RunReader.describe(error))")
        }
    }
}
