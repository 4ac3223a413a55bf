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
/// before and just after the timed call) is only lseek and read(2) into
/// buffers allocated and touched beforehand: no allocation, no page
/// fault, no lock, no Foundation. After the window, `record()` parses only
/// the tracked lines, into fixed slots: the first complete read finds
/// which lines those are (the `prefixes` of /proc/vmstat, the
/// `CounterSnapshot.interruptRows` of /proc/interrupts) and in what order,
/// and later reads are matched against that list line by line (the
/// kernel prints both files in a fixed order), with no dictionary and no
/// String per read. A file that filled its buffer gives no counters for
/// that repetition, and a doubled buffer for the next.
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
        /// The tracked lines, in file order: the vmstat name or the
        /// interrupts row label, as bytes. Nil until a complete read.
        var layout: [[UInt8]]?
        /// /proc/interrupts: how many CPU columns a row has.
        var cpus = 0
        /// Parsed values of each slot, one per `layout` entry, and
        /// whether the line was there.
        var values: [[Int64]] = [[], []]
        var found: [[Bool]] = [[], []]
        /// Per tracked line: the delta of each recorded repetition, and
        /// whether any repetition had the line in both reads.
        var series: [[Int64]] = []
        var seen: [Bool] = []
        /// The deltas of the last recorded repetition (nil: not there).
        var last: [Int64?] = []

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

        func bytes(_ k: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: buffers[k], count: lengths[k])
        }

        /// The counter name of tracked line `i`.
        func name(_ i: Int) -> String {
            let text = String(decoding: layout?[i] ?? [], as: UTF8.self)
            return isVmstat ? text : "interrupts:" + text
        }

        deinit {
            for b in buffers { b.deallocate() }
            if fd >= 0 { Glibc.close(fd) }
        }
    }

    let sources: [Source]
    let prefixes: [[UInt8]]
    let rows: [[UInt8]]
    /// Repetitions recorded so far.
    public private(set) var recordedCount = 0

    /// Opens /proc/vmstat and /proc/interrupts (files that cannot be
    /// opened contribute nothing), with buffers of `capacity` bytes.
    public init(vmstat: String = "/proc/vmstat", interrupts: String = "/proc/interrupts",
                prefixes: [String] = SystemFacts.trackedVmstat, capacity: Int = 64 << 10) {
        self.prefixes = prefixes.map { Array($0.utf8) }
        rows = CounterSnapshot.interruptRows.sorted().map { Array($0.utf8) }
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

    /// The counters in `slot` as a snapshot (parsed with the general
    /// parsers: for tests and diagnosis, not the engine's path).
    public func snapshot(_ slot: Slot) -> CounterSnapshot {
        var v: [String: Int64] = [:]
        for s in sources {
            let bytes = s.bytes(slot.rawValue)
            let prefixes = self.prefixes.map { String(decoding: $0, as: UTF8.self) }
            let parsed = s.isVmstat ? CounterSnapshot.parseVmstat(bytes: bytes, prefixes: prefixes)
                                    : CounterSnapshot.parseInterrupts(bytes: bytes)
            v.merge(parsed) { a, _ in a }
        }
        return CounterSnapshot(values: v)
    }

    public func reserve(_ repetitions: Int) {
        for s in sources { for i in s.series.indices { s.series[i].reserveCapacity(repetitions) } }
    }

    /// Parses the last `.before` and `.after` reads into their slots and
    /// appends each tracked line's delta. A file cut short by its buffer
    /// counts nothing this time (a 0 in its series) and grows.
    public func record() {
        for s in sources {
            if s.truncated {
                s.grow()
                append(s, valid: false)
                continue
            }
            if s.layout == nil { discover(s) }
            for k in 0..<2 { parse(s, slot: k) }
            append(s, valid: true)
        }
        recordedCount += 1
    }

    /// The deltas of the last recorded repetition, by counter name (lines
    /// missing from either read left out).
    public var lastDelta: [String: Int64] {
        var out: [String: Int64] = [:]
        for s in sources { for (i, d) in s.last.enumerated() { if let d { out[s.name(i)] = d } } }
        return out
    }

    public func summaries() -> [String: CounterSummary] {
        var out: [String: CounterSummary] = [:]
        for s in sources {
            for i in s.series.indices where s.seen[i] {
                let name = s.name(i)
                if s.series[i].contains(where: { $0 != 0 }) || name == "interrupts:TLB" {
                    out[name] = CounterSummary(source: s.isVmstat ? "vmstat" : "interrupts", perRepetition: s.series[i])
                }
            }
        }
        return out
    }

    func append(_ s: Source, valid: Bool) {
        guard s.layout != nil else { return }
        for i in s.series.indices {
            let there = valid && s.found[0][i] && s.found[1][i]
            let d = there ? s.values[1][i] &- s.values[0][i] : 0
            s.series[i].append(d)
            s.last[i] = there ? d : nil
            if there { s.seen[i] = true }
        }
    }

    /// Finds the tracked lines of `s` in its `.before` text.
    func discover(_ s: Source) {
        var layout: [[UInt8]] = []
        let text = s.bytes(Slot.before.rawValue)
        var header = true
        CounterSnapshot.forEachLine(text) { line in
            if s.isVmstat {
                guard let space = line.firstIndex(of: UInt8(ascii: " ")), space > 0 else { return }
                let name = Array(line[0..<space])
                if prefixes.isEmpty || prefixes.contains(where: { name.starts(with: $0) }) { layout.append(name) }
            } else if header {
                header = false
                CounterSnapshot.forEachField(line) { f in if f.starts(with: "CPU".utf8) { s.cpus += 1 } }
            } else {
                let (label, _) = Self.label(line)
                if let label, rows.contains(where: { $0.elementsEqual(label) }) { layout.append(Array(label)) }
            }
        }
        s.layout = layout
        s.values = [Array(repeating: 0, count: layout.count), Array(repeating: 0, count: layout.count)]
        s.found = [Array(repeating: false, count: layout.count), Array(repeating: false, count: layout.count)]
        // Repetitions recorded before the layout was known count 0.
        s.series = Array(repeating: Array(repeating: 0, count: recordedCount), count: layout.count)
        s.seen = Array(repeating: false, count: layout.count)
        s.last = Array(repeating: nil, count: layout.count)
    }

    /// An interrupts row's label (the bytes before ':' after the leading
    /// blanks) and the offset just past the ':'.
    static func label(_ line: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer?, Int) {
        var i = 0
        let n = line.count
        while i < n, line[i] == UInt8(ascii: " ") { i += 1 }
        let start = i
        while i < n, line[i] != UInt8(ascii: ":"), line[i] != UInt8(ascii: " ") { i += 1 }
        guard i < n, line[i] == UInt8(ascii: ":"), i > start else { return (nil, 0) }
        return (UnsafeRawBufferPointer(rebasing: line[start..<i]), i + 1)
    }

    /// Fills slot `k` of `s` from its text: walks the lines once, matching
    /// each against the next tracked line only.
    func parse(_ s: Source, slot k: Int) {
        guard let layout = s.layout, !layout.isEmpty else { return }
        let text = s.bytes(k)
        guard let base = text.baseAddress else {
            for i in layout.indices { s.found[k][i] = false }
            return
        }
        for i in layout.indices { s.found[k][i] = false }
        var cursor = 0
        var start = 0
        let n = text.count
        var first = !s.isVmstat   // the interrupts header line
        while start < n, cursor < layout.count {
            let rest = n - start
            let end: Int
            if let nl = memchr(base + start, Int32(UInt8(ascii: "\n")), rest) {
                end = base.distance(to: UnsafeRawPointer(nl))
            } else {
                end = n
            }
            let line = UnsafeRawBufferPointer(rebasing: text[start..<end])
            start = end + 1
            if first { first = false; continue }
            let want = layout[cursor]
            if s.isVmstat {
                guard line.count > want.count, line[want.count] == UInt8(ascii: " "),
                      want.withUnsafeBytes({ memcmp($0.baseAddress!, line.baseAddress!, want.count) }) == 0 else { continue }
                var value: Int64?
                var fields = 0
                CounterSnapshot.forEachField(UnsafeRawBufferPointer(rebasing: line[(want.count + 1)...])) { f in
                    fields += 1
                    value = fields == 1 ? CounterSnapshot.integer(f) : nil
                }
                if let value {
                    s.values[k][cursor] = value
                    s.found[k][cursor] = true
                }
                cursor += 1
            } else {
                let (label, past) = Self.label(line)
                guard let label, label.elementsEqual(want) else { continue }
                var sum: Int64 = 0
                var column = 0
                var ok = true
                CounterSnapshot.forEachField(UnsafeRawBufferPointer(rebasing: line[past...])) { f in
                    guard ok, column < s.cpus else { return }
                    if let v = CounterSnapshot.integer(f) { sum += v } else { ok = false }
                    column += 1
                }
                if ok {
                    s.values[k][cursor] = sum
                    s.found[k][cursor] = true
                }
                cursor += 1
            }
        }
    }
}
