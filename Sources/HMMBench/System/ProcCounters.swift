/// Snapshots of kernel event counters: /proc/vmstat lines and the per-CPU
/// rows of /proc/interrupts (the "TLB" row counts TLB shootdowns, the
/// portable signal when nr_tlb_* needs CONFIG_DEBUG_TLBFLUSH).
public struct CounterSnapshot: Equatable, Sendable {
    /// name -> value. Interrupt rows appear as "interrupts:TLB" (sum over CPUs).
    public var values: [String: Int64]

    public init(values: [String: Int64]) { self.values = values }

    /// Parses /proc/vmstat text, keeping names that start with one of
    /// `prefixes` (all when empty).
    public static func parseVmstat(_ text: String, prefixes: [String] = []) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count == 2, let v = Int64(f[1]) else { continue }
            let name = String(f[0])
            if prefixes.isEmpty || prefixes.contains(where: { name.hasPrefix($0) }) { out[name] = v }
        }
        return out
    }

    /// Parses /proc/interrupts: for each row whose label is in `rows`
    /// (e.g. "TLB", "CAL", "RES"), the sum over the CPU columns.
    public static func parseInterrupts(_ text: String, rows: Set<String> = ["TLB", "CAL", "RES"]) -> [String: Int64] {
        let lines = text.split(separator: "\n")
        guard let header = lines.first else { return [:] }
        let cpus = header.split(separator: " ", omittingEmptySubsequences: true).filter { $0.hasPrefix("CPU") }.count
        var out: [String: Int64] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = f.first, first.hasSuffix(":") else { continue }
            let label = String(first.dropLast())
            guard rows.contains(label) else { continue }
            var sum: Int64 = 0
            for v in f.dropFirst().prefix(cpus) { if let n = Int64(v) { sum += n } else { break } }
            out["interrupts:\(label)"] = sum
        }
        return out
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
