import Foundation

/// The base page size and the huge page sizes this box uses.
public enum PageSize {
    /// The base page size (4 KiB on x86-64).
    public static let base: Int = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// The PMD (THP / default hugetlb) size on x86-64 and arm64 with 4 KiB pages.
    public static let pmd: Int = 2 * 1024 * 1024

    /// Parses a size such as `4096`, `64K`, `2M`, `1G`, `16p` (pages) or
    /// `512pages`. Returns bytes. Units are binary (K = KiB).
    public static func parse(_ text: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { throw HMMBenchError.usage("empty size") }
        let digits = t.prefix(while: { $0.isNumber })
        let unit = t.dropFirst(digits.count)
        guard let n = Int(digits) else {
            throw HMMBenchError.usage("size '\(text)' is not a number", hint: "write e.g. 4K, 2M, 1G or 16p (pages)")
        }
        let mult: Int
        switch unit {
        case "", "b": mult = 1
        case "k", "kb", "kib": mult = 1 << 10
        case "m", "mb", "mib": mult = 1 << 20
        case "g", "gb", "gib": mult = 1 << 30
        case "p", "page", "pages": mult = base
        default:
            throw HMMBenchError.usage("size '\(text)' has an unknown unit '\(unit)'", hint: "units: K, M, G (binary) or p (pages)")
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: mult)
        guard !overflow else { throw HMMBenchError.usage("size '\(text)' is too large") }
        return bytes
    }

    /// Checks a byte count a flow will map: not zero, a multiple of `unit`,
    /// and not more than the memory this box has. Throws a usage error.
    public static func validate(bytes: Int, unit: Int = base, what: String = "size") throws {
        guard bytes > 0 else {
            throw HMMBenchError.usage("\(what) must be larger than zero")
        }
        guard bytes % unit == 0 else {
            throw HMMBenchError.usage("\(what) \(bytes) bytes is not a multiple of \(Self.format(bytes: unit))",
                                      hint: "round to \(Self.format(bytes: (bytes / unit + 1) * unit))")
        }
        let total = MemoryInfo.totalBytes()
        if total > 0, bytes > total {
            throw HMMBenchError.usage("\(what) \(Self.format(bytes: bytes)) is larger than this box's memory (\(Self.format(bytes: total)))")
        }
    }

    /// "4 KiB", "2 MiB", "1.5 GiB".
    public static func format(bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var i = 0
        while v >= 1024, i < units.count - 1 {
            v /= 1024
            i += 1
        }
        if v == v.rounded() { return "\(Int(v)) \(units[i])" }
        return "\(Format.fixed(v, 1)) \(units[i])"
    }
}

/// Total memory, from /proc/meminfo.
public enum MemoryInfo {
    /// MemTotal in bytes, or 0 when /proc/meminfo cannot be read.
    public static func totalBytes(meminfo: String? = nil) -> Int {
        value("MemTotal", meminfo: meminfo)
    }

    /// A "Key: N kB" field of /proc/meminfo in bytes (0 when absent).
    public static func value(_ key: String, meminfo: String? = nil) -> Int {
        guard let text = meminfo ?? (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let n = Int(parts[1]) else { return 0 }
            return parts.count >= 3 && parts[2] == "kB" ? n * 1024 : n
        }
        return 0
    }
}
