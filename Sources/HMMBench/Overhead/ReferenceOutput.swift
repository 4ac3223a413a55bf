import Foundation

/// The JSON object hmm-ref prints on stdout. Fields beyond these are
/// ignored; `uapi`, `page_size`, `reps`, `cpu` and `clock` are optional so
/// older builds of the program still parse.
public struct ReferenceOutput: Codable, Equatable, Sendable {
    public var tool: String
    public var op: String
    public var uapi: String?
    public var size: Int
    public var pageSize: Int?
    public var device: Int
    public var warmup: Int
    public var reps: Int?
    /// The CPU it pinned itself to (-1: not pinned).
    public var cpu: Int?
    public var clock: String?
    public var samplesNs: [UInt64]

    public init(tool: String = "hmm-ref", op: String, uapi: String? = nil, size: Int, pageSize: Int? = nil, device: Int,
                warmup: Int, reps: Int? = nil, cpu: Int? = nil, clock: String? = nil, samplesNs: [UInt64]) {
        self.tool = tool
        self.op = op
        self.uapi = uapi
        self.size = size
        self.pageSize = pageSize
        self.device = device
        self.warmup = warmup
        self.reps = reps
        self.cpu = cpu
        self.clock = clock
        self.samplesNs = samplesNs
    }

    enum CodingKeys: String, CodingKey {
        case tool, op, uapi, size
        case pageSize = "page_size"
        case device, warmup, reps, cpu, clock
        case samplesNs = "samples_ns"
    }

    /// Decodes hmm-ref's stdout and checks that it answers the question
    /// asked: same tool, operation, size, device, warmup, uapi, CPU (when
    /// it says one) and one sample per repetition asked (`reps`, default
    /// all of `config`'s). Throws `.data` errors.
    public static func parse(_ data: Data, op: OverheadOp, config: OverheadConfig, reps: Int? = nil, uapi: String? = nil,
                             cpu: Int? = nil) throws -> ReferenceOutput {
        let out: ReferenceOutput
        do {
            out = try JSONDecoder().decode(ReferenceOutput.self, from: data)
        } catch {
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            throw HMMBenchError(.data, "hmm-ref \(op.rawValue) printed no valid JSON object (\(describe(error))): '\(text)'",
                                hint: "run the reference program by hand to see what it prints")
        }
        func mismatch(_ field: String, _ got: String, _ want: String) -> HMMBenchError {
            HMMBenchError(.data, "hmm-ref \(op.rawValue) answered \(field) \(got), expected \(want)",
                          hint: "rebuild the reference program from bench/reference/hmm-ref.c")
        }
        if out.tool != "hmm-ref" { throw mismatch("tool", "'\(out.tool)'", "'hmm-ref'") }
        if out.op != op.rawValue { throw mismatch("op", "'\(out.op)'", "'\(op.rawValue)'") }
        if out.size != config.size { throw mismatch("size", "\(out.size)", "\(config.size)") }
        if out.device != config.device { throw mismatch("device", "\(out.device)", "\(config.device)") }
        if out.warmup != config.warmup { throw mismatch("warmup", "\(out.warmup)", "\(config.warmup)") }
        if let uapi, let got = out.uapi, got != uapi { throw mismatch("uapi", got, uapi) }
        if let cpu, let got = out.cpu, got != cpu { throw mismatch("cpu", "\(got)", "\(cpu)") }
        let want = reps ?? config.repetitions
        if out.samplesNs.count != want {
            throw mismatch("samples", "\(out.samplesNs.count)", "\(want) (one per repetition)")
        }
        return out
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "bad '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "\(error)"
        }
    }
}

