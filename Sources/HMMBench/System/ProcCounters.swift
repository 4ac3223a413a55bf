import CShims
import Foundation

/// Snapshots of kernel event counters: /proc/vmstat lines and the per-CPU
/// rows of /proc/interrupts (the "TLB" row counts TLB shootdowns, the
/// portable signal when nr_tlb_* needs CONFIG_DEBUG_TLBFLUSH).
public struct CounterSnapshot: Equatable, Sendable {
    /// name -> value. Interrupt rows appear as "interrupts:TLB" (sum over CPUs).
    public var values: [String: Int64]

    public init(values: [String: Int64]) { self.values = values }

    /// The interrupt rows summed by default.
    public static let interruptRows: Set<String> = ["TLB", "CAL", "RES"]

    /// Parses /proc/vmstat text, keeping names that start with one of
    /// `prefixes` (all when empty).
    public static func parseVmstat(_ text: String, prefixes: [String] = []) -> [String: Int64] {
        var t = text
        return t.withUTF8 { parseVmstat(bytes: UnsafeRawBufferPointer($0), prefixes: prefixes) }
    }

    /// Parses /proc/interrupts: for each row whose label is in `rows`
    /// (e.g. "TLB", "CAL", "RES"), the sum over the CPU columns.
    public static func parseInterrupts(_ text: String, rows: Set<String> = interruptRows) -> [String: Int64] {
        var t = text
        return t.withUTF8 { parseInterrupts(bytes: UnsafeRawBufferPointer($0), rows: rows) }
    }

    /// `parseVmstat` over raw bytes: a String is made only for the names kept.
    public static func parseVmstat(bytes: UnsafeRawBufferPointer, prefixes: [String] = []) -> [String: Int64] {
        let wanted = prefixes.map { Array($0.utf8) }
        var out: [String: Int64] = [:]
        forEachLine(bytes) { line in
            guard let space = line.firstIndex(of: UInt8(ascii: " ")), space > line.startIndex else { return }
            let name = UnsafeRawBufferPointer(rebasing: line[line.startIndex..<space])
            if !wanted.isEmpty {
                var match = false
                for p in wanted where p.count <= name.count && p.first == name.first {
                    if p.withUnsafeBytes({ memcmp($0.baseAddress!, name.baseAddress!, p.count) }) == 0 { match = true; break }
                }
                if !match { return }
            }
            let rest = UnsafeRawBufferPointer(rebasing: line[(space + 1)...])
            var fields = 0
            var value: Int64?
            forEachField(rest) { f in
                fields += 1
                value = fields == 1 ? integer(f) : nil
            }
            if fields == 1, let value { out[String(decoding: name, as: UTF8.self)] = value }
        }
        return out
    }

    /// `parseInterrupts` over raw bytes.
    public static func parseInterrupts(bytes: UnsafeRawBufferPointer, rows: Set<String> = interruptRows) -> [String: Int64] {
        var cpus = -1
        var out: [String: Int64] = [:]
        forEachLine(bytes) { line in
            if cpus < 0 {
                cpus = 0
                forEachField(line) { f in if f.starts(with: "CPU".utf8) { cpus += 1 } }
                return
            }
            var label: String?
            var sum: Int64 = 0
            var column = 0
            var done = false
            forEachField(line) { f in
                if done { return }
                if column == 0 {
                    guard let last = f.last, last == UInt8(ascii: ":") else { done = true; return }
                    let l = String(decoding: UnsafeRawBufferPointer(rebasing: f.dropLast()), as: UTF8.self)
                    guard rows.contains(l) else { done = true; return }
                    label = l
                } else if column <= cpus {
                    guard let n = integer(f) else { done = true; return }
                    sum += n
                } else {
                    done = true
                }
                column += 1
            }
            if let label { out["interrupts:\(label)"] = sum }
        }
        return out
    }

    static func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if end > start { body(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) }
            start = end + 1
        }
    }

    static func forEachField(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var i = 0
        let n = line.count
        while i < n {
            while i < n, line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t") { i += 1 }
            let s = i
            while i < n, line[i] != UInt8(ascii: " "), line[i] != UInt8(ascii: "\t") { i += 1 }
            if i > s { body(UnsafeRawBufferPointer(rebasing: line[s..<i])) }
        }
    }

    /// A decimal integer (optional leading '-') filling all of `f`.
    static func integer(_ f: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var negative = false
        if f.first == UInt8(ascii: "-") { negative = true; i = 1 }
        guard i < f.count else { return nil }
        var v: Int64 = 0
        while i < f.count {
            let d = f[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return negative ? -v : v
    }

    /// Reads both files now. Unreadable files contribute nothing.
    public static func capture(vmstatPrefixes: [String] = SystemFacts.trackedVmstat) -> CounterSnapshot {
        var v: [String: Int64] = [:]
        if let t = SystemFacts.read("/proc/vmstat") { v = parseVmstat(t, prefixes: vmstatPrefixes) }
        if let t = SystemFacts.read("/proc/interrupts") { v.merge(parseInterrupts(t)) { a, _ in a } }
        return CounterSnapshot(values: v)
    }

    /// after - before, for every counter present in both.
    public func delta(since before: CounterSnapshot) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (k, v) in values { if let b = before.values[k] { out[k] = v - b } }
        return out
    }

    /// Which source a counter name comes from.
    public static func source(of name: String) -> String { name.hasPrefix("interrupts:") ? "interrupts" : "vmstat" }
}

/// The engine's counter reads around one repetition, made cheap for the
/// measuring thread: the files are opened once, and `read(_:)` (just
/// before and just after the timed window) is only lseek and read(2) into
/// buffers allocated and touched beforehand: no allocation, no page
/// fault, no lock, no Foundation. Parsing (`delta`) happens after the
/// window; a file that filled its buffer is read again with a bigger one
/// by `delta`, so the next repetition's read fits.
public final class CounterReader: RepetitionCounters {
    /// Which of the two snapshots a read fills.
    public enum Slot: Int { case before = 0, after = 1 }

    final class Source {
        let path: String
        let isVmstat: Bool
        var fd: Int32
        var capacity: Int
        var buffers: [UnsafeMutableRawPointer]
        var lengths = [0, 0]
        var truncated = false

        init?(path: String, isVmstat: Bool, capacity: Int) {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            self.path = path
            self.isVmstat = isVmstat
            self.fd = fd
            self.capacity = capacity
            buffers = [Self.allocate(capacity), Self.allocate(capacity)]
        }

        static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
            let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            // Touched now, so the first read faults nothing in.
            p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
            return p
        }

        func grow() {
            capacity *= 2
            for b in buffers { b.deallocate() }
            buffers = [Self.allocate(capacity), Self.allocate(capacity)]
            truncated = false
        }

        deinit {
            for b in buffers { b.deallocate() }
            if fd >= 0 { Glibc.close(fd) }
        }
    }

    let sources: [Source]
    let prefixes: [String]

    /// Opens /proc/vmstat and /proc/interrupts (files that cannot be
    /// opened contribute nothing), with buffers of `capacity` bytes.
    public init(vmstat: String = "/proc/vmstat", interrupts: String = "/proc/interrupts",
                prefixes: [String] = SystemFacts.trackedVmstat, capacity: Int = 64 << 10) {
        self.prefixes = prefixes
        sources = [Source(path: vmstat, isVmstat: true, capacity: capacity),
                   Source(path: interrupts, isVmstat: false, capacity: capacity)].compactMap { $0 }
    }

    /// Reads every file into `slot`'s buffers: system calls only.
    @inline(__always)
    public func read(_ slot: Slot) {
        let k = slot.rawValue
        for s in sources {
            let buffer = s.buffers[k]
            var length = 0
            if lseek(s.fd, 0, SEEK_SET) == 0 {
                while length < s.capacity {
                    let n = Glibc.read(s.fd, buffer + length, s.capacity - length)
                    if n <= 0 { break }
                    length += n
                }
            }
            s.lengths[k] = length
            if length == s.capacity { s.truncated = true }
        }
    }

    /// The counters in `slot`, parsed (after the window).
    public func snapshot(_ slot: Slot) -> CounterSnapshot {
        var v: [String: Int64] = [:]
        for s in sources {
            let bytes = UnsafeRawBufferPointer(start: s.buffers[slot.rawValue], count: s.lengths[slot.rawValue])
            let parsed = s.isVmstat ? CounterSnapshot.parseVmstat(bytes: bytes, prefixes: prefixes)
                                    : CounterSnapshot.parseInterrupts(bytes: bytes)
            v.merge(parsed) { a, _ in a }
        }
        return CounterSnapshot(values: v)
    }

    /// after - before of the last two reads. A file that filled its buffer
    /// (its text cut short) gives no counters this time, and its buffers
    /// grow for the next repetition.
    public func delta() -> [String: Int64] {
        let cut = sources.filter(\.truncated)
        let d = snapshot(.after).delta(since: snapshot(.before))
        guard !cut.isEmpty else { return d }
        var out = d
        for s in cut {
            for k in d.keys where (CounterSnapshot.source(of: k) == "vmstat") == s.isVmstat { out[k] = nil }
            s.grow()
        }
        return out
    }

    var recorded: [[String: Int64]] = []

    public func reserve(_ repetitions: Int) { recorded.reserveCapacity(repetitions) }

    public func record() { recorded.append(delta()) }

    public func summaries() -> [String: CounterSummary] { Self.summarize(recorded) }

    /// Per-counter series of `deltas` (one dictionary a repetition),
    /// keeping only counters that moved in some repetition (plus
    /// `interrupts:TLB`, whose zero is informative).
    static func summarize(_ deltas: [[String: Int64]]) -> [String: CounterSummary] {
        guard let names = deltas.first?.keys else { return [:] }
        var out: [String: CounterSummary] = [:]
        for name in names {
            let series = deltas.map { $0[name] ?? 0 }
            if series.contains(where: { $0 != 0 }) || name == "interrupts:TLB" {
                out[name] = CounterSummary(source: CounterSnapshot.source(of: name), perRepetition: series)
            }
        }
        return out
    }
}
