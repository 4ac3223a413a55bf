/// One row of the kernel's function profiler (`trace_stat/functionN`, one
/// file per CPU): how often `function` ran on `cpu` while the profiler was
/// on, its total and mean time and the variance the kernel reports.
/// Work other CPUs did for the flow (kworkers, IPI handlers) shows here.
public struct ProfileRow: Codable, Equatable, Sendable {
    public var cpu: Int
    /// As trace_stat prints it: cut to 30 characters.
    public var function: String
    /// The phase this row counts for, when the name matches one.
    public var phase: String?
    public var hits: Int
    public var totalNs: Double
    public var avgNs: Double
    /// The kernel's s^2 column, in us^2 as printed.
    public var s2Us2: Double

    public init(cpu: Int, function: String, phase: String? = nil, hits: Int, totalNs: Double, avgNs: Double, s2Us2: Double) {
        self.cpu = cpu
        self.function = function
        self.phase = phase
        self.hits = hits
        self.totalNs = totalNs
        self.avgNs = avgNs
        self.s2Us2 = s2Us2
    }

    enum CodingKeys: String, CodingKey {
        case cpu, function, phase, hits
        case totalNs = "total_ns"
        case avgNs = "avg_ns"
        case s2Us2 = "s2_us2"
    }
}

/// Parses `trace_stat/functionN`:
///
///     Function                               Hit    Time            Avg             s^2
///     --------                               ---    ----            ---             ---
///     migrate_vma_setup                       10    1234.567 us     123.456 us      12.345
///
/// Lines that are not rows (headers, blanks) are skipped; a row whose
/// numbers do not parse is an error naming the line.
public enum FunctionProfileParser {
    public static func parse(_ text: String, cpu: Int, phases: PhaseResolution? = nil) throws -> [ProfileRow] {
        var rows: [ProfileRow] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let fields = raw.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = fields.first, first != "Function", !first.hasPrefix("---") else { continue }
            // name, hits, then total and avg (each followed by "us") and
            // s^2 (with or without a unit, by version).
            let numbers = fields.dropFirst(2).filter { $0 != "us" }.map { Double($0) }
            guard fields.count >= 4, let hits = Int(fields[1]), numbers.count >= 2, !numbers.contains(nil),
                  let total = numbers[0], let avg = numbers[1] else {
                throw HMMBenchError(.environment, "trace_stat/function\(cpu): unexpected line: \(raw)")
            }
            let s2 = numbers.count >= 3 ? numbers[2]! : 0
            rows.append(ProfileRow(cpu: cpu, function: first, phase: phases?.phase(ofTruncated: first), hits: hits,
                                   totalNs: total * 1000, avgNs: avg * 1000, s2Us2: s2))
        }
        return rows
    }
}
