import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's tracing file system (tracefs): where it is mounted, and
/// reads and writes of its control files. Writes truncate (`O_TRUNC`), as
/// `echo X > file` does; a refused write is an error with the errno.
public final class Tracefs {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Where tracefs is looked for.
    public static let mountPoints = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// The mounted tracefs with the function tracers, or why there is none
    /// (one line with a hint).
    public static func locate(mountPoints: [String] = mountPoints) -> (tracefs: Tracefs?, reason: String?) {
        let fm = FileManager.default
        for m in mountPoints where fm.fileExists(atPath: m + "/trace_marker") {
            let t = Tracefs(root: m)
            guard fm.fileExists(atPath: m + "/available_filter_functions"),
                  let tracers = try? t.read("available_tracers"), tracers.split(separator: " ").contains("function_graph")
            else {
                return (nil, "tracefs at \(m) has no function_graph tracer or filter list: the kernel needs "
                    + "CONFIG_FUNCTION_GRAPH_TRACER and CONFIG_DYNAMIC_FTRACE (bench/vm/run --phases builds one)")
            }
            return (t, nil)
        }
        return (nil, "no tracefs mounted at \(mountPoints.joined(separator: " or ")) "
            + "(mount -t tracefs nodev /sys/kernel/tracing; the kernel needs CONFIG_FUNCTION_TRACER)")
    }

    public func path(_ file: String) -> String { root + "/" + file }

    public func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: path(file)) }

    /// Reads to end of file with read(2): tracefs files report size 0,
    /// and a read sized by stat(2) (FileManager.contents) gets nothing.
    public func read(_ file: String) throws -> String {
        let p = path(file)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw HMMBenchError.system("open \(p)", errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HMMBenchError.system("read \(p)", errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func write(_ file: String, _ text: String) throws {
        let p = path(file)
        let fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if fd < 0 { throw HMMBenchError.system("open \(p)", errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw HMMBenchError.system("write '\(text.prefix(60))' to \(p)", errno: errno) }
    }

    /// Events the ring buffer overwrote since it was last cleared, summed
    /// over `per_cpu/cpuN/stats` ("overrun: N"); nil when none is readable.
    public func overruns() -> Int? {
        let cpus = ((try? FileManager.default.contentsOfDirectory(atPath: path("per_cpu"))) ?? []).filter { $0.hasPrefix("cpu") }
        var total: Int?
        for cpu in cpus {
            guard let text = try? read("per_cpu/\(cpu)/stats") else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("overrun:") {
                total = (total ?? 0) + (Int(line.dropFirst("overrun:".count).trimmingCharacters(in: .whitespaces)) ?? 0)
            }
        }
        return total
    }

    /// The CPUs `trace_stat/functionN` has files for.
    public func profileCPUs() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path("trace_stat"))) ?? []
        return names.compactMap { $0.hasPrefix("function") ? Int($0.dropFirst("function".count)) : nil }.sorted()
    }
}

/// Writes the repetition markers to trace_marker through one descriptor
/// opened before the run.
public final class TraceMarker: PhaseTracer {
    let fd: Int32

    public init(_ tracefs: Tracefs) throws {
        let p = tracefs.path("trace_marker")
        fd = open(p, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw HMMBenchError.system("open \(p)", errno: errno) }
    }

    deinit { close(fd) }

    func mark(_ text: String) {
        var t = text
        t.withUTF8 { b in _ = Glibc.write(fd, b.baseAddress, b.count) }
    }

    public func repetitionWillStart(_ index: Int) { mark(GraphTraceParser.marker(index, begin: true)) }
    public func repetitionDidEnd(_ index: Int) { mark(GraphTraceParser.marker(index, begin: false)) }
}
