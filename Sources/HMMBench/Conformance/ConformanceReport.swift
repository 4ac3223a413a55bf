import Foundation

/// What one conformance step did and what came back: the request's reply
/// (cpages, faults, errno name), the snapshot bytes and the first byte of
/// each page the step copied out, as run-length hex ("22*12 02*4").
public struct ConformanceStep: Codable, Equatable, Sendable {
    /// The step as written in the scenario ("dev1 read 0..<16").
    public var action: String
    /// "read", "snapshot", "cpu-read", "map", ...
    public var op: String
    public var device: Int?
    public var cpages: UInt64?
    public var faults: UInt64?
    /// "OK" or the errno's name ("EINVAL").
    public var errno: String?
    public var snapshot: String?
    public var data: String?
    /// Why the step did not run (the uapi lacks the request).
    public var skipped: String?

    public init(action: String, op: String, device: Int? = nil) {
        self.action = action
        self.op = op
        self.device = device
    }

    /// "cpages=16 faults=1 OK snapshot=11*16 data=00*16" or "skipped: ...".
    public var outcome: String {
        if let skipped { return "skipped: \(skipped)" }
        var parts: [String] = []
        if let cpages, let faults { parts.append("cpages=\(cpages) faults=\(faults)") }
        if let errno { parts.append(errno) }
        if let snapshot { parts.append("snapshot=\(snapshot)") }
        if let data { parts.append("data=\(data)") }
        return parts.isEmpty ? "done" : parts.joined(separator: " ")
    }

    /// Run-length hex of bytes: "22*12 02*4" ("" for none).
    public static func runLength(_ bytes: [UInt8]) -> String {
        var out: [String] = []
        var i = 0
        while i < bytes.count {
            var j = i
            while j < bytes.count && bytes[j] == bytes[i] { j += 1 }
            out.append(j - i == 1 ? hex(bytes[i]) : "\(hex(bytes[i]))*\(j - i)")
            i = j
        }
        return out.joined(separator: " ")
    }
}

/// Whether a scenario ran.
public enum ConformanceStatus: String, Codable, Sendable {
    case ran
    case skipped
}

/// One scenario's outcome on one backend.
public struct ConformanceScenarioResult: Codable, Equatable, Sendable {
    public var name: String
    public var status: ConformanceStatus
    public var reason: String?
    public var steps: [ConformanceStep]

    public init(name: String, status: ConformanceStatus, reason: String? = nil, steps: [ConformanceStep] = []) {
        self.name = name
        self.status = status
        self.reason = reason
        self.steps = steps
    }
}

/// The conformance set's outcome on one backend (kernel or simulated),
/// written as JSON and compared across backends.
public struct ConformanceReport: Codable, Equatable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var backend: BackendKind
    /// The uapi table's name ("6.1", "custom").
    public var uapi: String
    /// The table itself, in `--uapi-table` form ("read=0,write=1,...").
    public var uapiRequests: String
    public var kernelRelease: String
    /// Indexes of the devices present.
    public var devices: [Int]
    public var scenarios: [ConformanceScenarioResult]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case backend, uapi
        case uapiRequests = "uapi_requests"
        case kernelRelease = "kernel_release"
        case devices, scenarios
    }

    public init(backend: BackendKind, uapi: UAPITable, kernelRelease: String, devices: [Int],
                scenarios: [ConformanceScenarioResult]) {
        schemaVersion = Self.currentSchemaVersion
        self.backend = backend
        self.uapi = uapi.name
        uapiRequests = Self.requests(of: uapi)
        self.kernelRelease = kernelRelease
        self.devices = devices
        self.scenarios = scenarios
    }

    static func requests(of table: UAPITable) -> String {
        MirrorOperation.allCases.compactMap { op in table.number(for: op).map { "\(op.rawValue)=\($0)" } }
            .joined(separator: ",")
    }

    /// The request table the report was made with.
    public func table() throws -> UAPITable {
        if let g = UAPIGeneration(name: uapi) { return g.table }
        var t = try UAPITable.parse(uapiRequests)
        t.name = uapi
        return t
    }

    public var ranCount: Int { scenarios.filter { $0.status == .ran }.count }

    /// Text, at most `width` columns: one line per scenario and a count.
    public func render(width: Int = 72) -> String {
        var out = ConformanceComparison.wrap(
            "Conformance on \(backend.rawValue), uapi \(uapi), kernel \(kernelRelease), devices \(devices.map(String.init).joined(separator: ","))",
            width: width, indent: "  ")
        for s in scenarios {
            let line = s.status == .ran
                ? "  ran      \(s.name) (\(s.steps.count) steps\(s.steps.contains { $0.skipped != nil } ? ", some skipped" : ""))"
                : "  skipped  \(s.name): \(ConformanceComparison.strip(s.reason))"
            out += ConformanceComparison.wrap(line, width: width, indent: "           ")
        }
        out += "\(ranCount) ran, \(scenarios.count - ranCount) skipped (\(scenarios.count) scenarios)\n"
        return out
    }

    /// Pretty, key-sorted JSON, as every hmmbench file.
    public func encoded() throws -> Data {
        try JSONOutput.data(self)
    }

    /// Writes the report atomically (see `AtomicWriter`).
    public func write(to path: String) throws {
        try AtomicWriter.write(try encoded(), to: path)
    }

    /// Reads and checks a report file. Throws a data error.
    public static func read(from path: String) throws -> ConformanceReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HMMBenchError(.data, "cannot read conformance report \(path)")
        }
        return try decode(data, source: path)
    }

    public static func decode(_ data: Data, source: String = "input") throws -> ConformanceReport {
        struct Version: Decodable {
            var schema_version: Int?
        }
        guard let v = try? JSONDecoder().decode(Version.self, from: data) else {
            throw HMMBenchError(.data, "\(source) is not a JSON conformance report")
        }
        guard v.schema_version == currentSchemaVersion else {
            throw HMMBenchError(.data, "\(source) has schema_version \(v.schema_version.map(String.init) ?? "none"), expected \(currentSchemaVersion)",
                                hint: "make it again with 'hmmbench conformance --out FILE' from this version")
        }
        do {
            return try JSONDecoder().decode(ConformanceReport.self, from: data)
        } catch {
            throw HMMBenchError(.data, "\(source) is not a valid conformance report: \(error)")
        }
    }
}
