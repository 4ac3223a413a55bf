import Foundation

/// The result of `hmmbench overhead`: hmmbench's timing of the same
/// ioctls as the minimal C program, side by side, with the ratio.
public struct OverheadReport: Codable, Equatable, Sendable {
    public static let currentSchemaVersion = 3

    public var schemaVersion: Int
    public var tool: String
    /// Always "kernel": simulated numbers are never compared with real ones.
    public var backend: BackendKind
    public var uapi: String
    public var kernelRelease: String
    /// "bare-metal", "kvm", "tcg" (functional evidence only), "vm", "unknown".
    public var virtualization: String
    public var size: Int
    /// Measured repetitions per tool and operation.
    public var reps: Int
    /// Repetitions discarded at the start of every block, by both tools.
    public var warmup: Int
    /// Measured repetitions of one tool before the other's turn.
    public var block: Int
    /// The CPU both tools were pinned to, and why (-1: not pinned).
    public var cpu: MeasuringCPU
    /// How the ratio's interval was computed.
    public var bootstrap: String
    public var device: Int
    public var deviceMemory: DeviceMemoryKind
    /// The reference program that ran.
    public var referenceProgram: String
    /// Where its blocks ran: one process per op, or a process per block
    /// (files without the field: a process per block).
    public var referenceProcess: ReferenceProcess
    public var hmmbenchVersion: String
    public var startedAt: String
    public var entries: [OverheadEntry]
    /// With a recheck limit (`--recheck-above`, `--fail-above`): the ops
    /// whose first interval lay wholly above it, measured once more after
    /// all ops. Nil when no recheck was asked for (and in schema 2 files).
    public var recheckLimit: Double?
    public var rechecks: [OverheadEntry]?
    public var skipped: [OverheadSkip]
    public var notes: [String]

    public init(uapi: String, kernelRelease: String, virtualization: String, config: OverheadConfig, cpu: MeasuringCPU,
                referenceProgram: String, startedAt: String, entries: [OverheadEntry] = [], skipped: [OverheadSkip] = [],
                notes: [String] = []) {
        schemaVersion = Self.currentSchemaVersion
        tool = "hmmbench overhead"
        backend = .kernel
        self.uapi = uapi
        self.kernelRelease = kernelRelease
        self.virtualization = virtualization
        size = config.size
        reps = config.repetitions
        warmup = config.warmup
        block = config.block
        self.cpu = cpu
        bootstrap = "percentile bootstrap, 95%, \(config.resamples) resamples of each tool's samples, SplitMix64 seed \(config.seed)"
        device = config.device
        deviceMemory = config.memory
        self.referenceProgram = referenceProgram
        referenceProcess = config.referenceProcess
        hmmbenchVersion = HMMBenchVersion.string
        self.startedAt = startedAt
        self.entries = entries
        self.skipped = skipped
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case tool, backend, uapi
        case kernelRelease = "kernel_release"
        case virtualization, size, reps, warmup, block, cpu, bootstrap, device
        case deviceMemory = "device_memory"
        case referenceProgram = "reference_program"
        case referenceProcess = "reference_process"
        case hmmbenchVersion = "hmmbench_version"
        case startedAt = "started_at"
        case entries
        case recheckLimit = "recheck_limit"
        case rechecks, skipped, notes
    }

    /// Schema 1 files lack `block`, `cpu` and `bootstrap` (the tools ran
    /// one after the other, unpinned): they read as block = reps, CPU -1
    /// and a method "not recorded".
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        tool = try c.decode(String.self, forKey: .tool)
        backend = try c.decode(BackendKind.self, forKey: .backend)
        uapi = try c.decode(String.self, forKey: .uapi)
        kernelRelease = try c.decode(String.self, forKey: .kernelRelease)
        virtualization = try c.decode(String.self, forKey: .virtualization)
        size = try c.decode(Int.self, forKey: .size)
        reps = try c.decode(Int.self, forKey: .reps)
        warmup = try c.decode(Int.self, forKey: .warmup)
        block = try c.decodeIfPresent(Int.self, forKey: .block) ?? reps
        cpu = try c.decodeIfPresent(MeasuringCPU.self, forKey: .cpu)
            ?? MeasuringCPU(cpu: -1, reason: "not recorded (schema \(schemaVersion): neither tool pinned)")
        bootstrap = try c.decodeIfPresent(String.self, forKey: .bootstrap) ?? "not recorded"
        device = try c.decode(Int.self, forKey: .device)
        deviceMemory = try c.decode(DeviceMemoryKind.self, forKey: .deviceMemory)
        referenceProgram = try c.decode(String.self, forKey: .referenceProgram)
        referenceProcess = try c.decodeIfPresent(ReferenceProcess.self, forKey: .referenceProcess) ?? .perBlock
        hmmbenchVersion = try c.decode(String.self, forKey: .hmmbenchVersion)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        entries = try c.decode([OverheadEntry].self, forKey: .entries)
        recheckLimit = try c.decodeIfPresent(Double.self, forKey: .recheckLimit)
        rechecks = try c.decodeIfPresent([OverheadEntry].self, forKey: .rechecks)
        skipped = try c.decodeIfPresent([OverheadSkip].self, forKey: .skipped) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    /// One line per op that `above(limit)` names: "read 1.300 (1.200-1.400),
    /// not measured again" or "..., again 1.250 (1.100-1.300)".
    public func aboveDetails(_ limit: Double) -> [String] {
        let over = Set(above(limit))
        return entries.filter { over.contains($0.op) }.map { e in
            let again = recheckLimit == limit ? rechecks?.first(where: { $0.op == e.op }) : nil
            return "\(e.op.rawValue) \(Self.interval(e)), " + (again.map { "again \(Self.interval($0))" } ?? "not measured again")
        }
    }

    /// The ops whose ratio interval lies wholly above `limit`, and stayed
    /// there when measured again: a recheck at this limit that came out
    /// at or below it clears the op; without one, the first interval
    /// decides.
    public func above(_ limit: Double) -> [OverheadOp] {
        entries.filter { e in
            guard e.exceeds(limit) else { return false }
            guard recheckLimit == limit, let again = rechecks?.first(where: { $0.op == e.op }) else { return true }
            return again.exceeds(limit)
        }.map(\.op)
    }

    /// "ratio (low-high)" of an entry, "n/a" without one.
    static func interval(_ e: OverheadEntry?) -> String {
        guard let e, let r = e.ratioMedian, let ci = e.ratioMedianCI else { return "n/a" }
        return "\(Format.fixed(r, 3)) (\(Format.fixed(ci.low, 3))-\(Format.fixed(ci.high, 3)))"
    }

    /// The report as plain text, no line wider than 72 columns.
    public func text() -> String {
        var lines: [String] = []
        lines.append("hmmbench overhead: hmmbench's engine vs hmm-ref (same calls in C)")
        lines.append("kernel \(kernelRelease), uapi \(uapi), \(virtualization), /dev/hmm_dmirror\(device) (\(deviceMemory.rawValue))")
        lines.append("\(PageSize.format(bytes: size)) anon private, \(reps) reps each, CLOCK_MONOTONIC_RAW")
        let placement = cpu.cpu >= 0 ? "both on CPU \(cpu.cpu) (\(cpu.reason))" : "neither pinned (diagnostic)"
        let process = referenceProcess == .perOp ? "one hmm-ref process per op" : "a new hmm-ref process per block"
        lines.append(contentsOf: TextLayout.wrap("\(placement); interleaved in blocks of \(block), "
                                                 + "order alternating, \(warmup) warm-up reps per block for both; "
                                                 + process))
        if SystemFacts.isSoftwareEmulated(virtualization) {
            lines.append("tcg: software emulation; the ratio is evidence, the times are not")
        }
        lines.append("")
        // 2 + 14 + 8 + 9 + 6 + 6 + 11 + 5 + 7 separators = 68 columns.
        let cols = [TextLayout.Column(14, left: true), TextLayout.Column(8, left: true), TextLayout.Column(9),
                    TextLayout.Column(6), TextLayout.Column(6), TextLayout.Column(11), TextLayout.Column(5)]
        lines.append(TextLayout.row(["op", "tool", "median", "cv", "ratio", "95% CI", "cv"], cols))
        lines.append(TextLayout.row(["", "", "", "", "median", "of ratio", "ratio"], cols))
        lines.append(TextLayout.row(cols.map { String(repeating: "-", count: $0.width) }, cols))
        for e in entries {
            lines.append(TextLayout.row([e.op.rawValue, "hmm-ref", Format.duration(ns: e.reference.median),
                                         TextLayout.percent(e.reference.cv)], cols))
            let ci = e.ratioMedianCI.map { Format.fixed($0.low, 3) + "-" + Format.fixed($0.high, 3) } ?? "n/a"
            lines.append(TextLayout.row(["", "hmmbench", Format.duration(ns: e.hmmbench.median), TextLayout.percent(e.hmmbench.cv),
                                         e.ratioMedian.map { Format.fixed($0, 3) } ?? "n/a", ci,
                                         e.ratioCV.map { Format.fixed($0, 2) } ?? "n/a"], cols))
            if let c = e.hmmbenchCheck, !c.passed {
                lines.append(contentsOf: TextLayout.wrap("  check FAILED (\(e.flow)): \(c.detail)"))
            }
        }
        if entries.isEmpty { lines.append("  (no operation compared)") }
        if let limit = recheckLimit {
            let firsts = Dictionary(entries.map { ($0.op, $0) }, uniquingKeysWith: { a, _ in a })
            for again in rechecks ?? [] {
                let verdict = again.exceeds(limit) ? "still wholly above: confirmed" : "not above again: noise"
                lines.append(contentsOf: TextLayout.wrap("recheck \(again.op.rawValue): first \(Self.interval(firsts[again.op])), "
                    + "again \(Self.interval(again)) in \(again.hmmbench.n) reps against \(Format.fixed(limit, 2)): \(verdict)"))
            }
        }
        lines.append("")
        lines.append("ratio = hmmbench / hmm-ref; 1.000 means no harness overhead")
        lines.append(contentsOf: TextLayout.wrap("95% CI: \(bootstrap)"))
        // A cv ratio above the target's factor: say whether a few slow
        // repetitions make it, or a wider middle half.
        for e in entries {
            guard let r = e.ratioCV, r > 1.5, let iqr = e.middleHalfRatio else { continue }
            let slow = e.slowRepetitions()
            lines.append(contentsOf: TextLayout.wrap("cv ratio \(Format.fixed(r, 2)) of \(e.op.rawValue): \(slow.hmmbench) of "
                + "hmmbench's repetitions above \(Format.fixed(OverheadEntry.slowFactor, 2))x its median "
                + "(hmm-ref: \(slow.reference)); middle half's spread ratio \(Format.fixed(iqr, 2))"))
        }
        let missed = entries.filter { $0.meetsTarget() == false }.map(\.op.rawValue)
        if !entries.isEmpty {
            lines.append(contentsOf: TextLayout.wrap(missed.isEmpty
                ? "target met for every op: CI within 1.00 +- 0.01, cv ratio <= 1.5"
                : "target (CI within 1.00 +- 0.01, cv ratio <= 1.5) not met: \(missed.joined(separator: ", "))"))
        }
        for s in skipped {
            lines.append(contentsOf: TextLayout.wrap("skipped \(s.op.rawValue): \(s.reason)"))
        }
        for n in notes { lines.append(contentsOf: TextLayout.wrap("note: \(n)")) }
        return lines.joined(separator: "\n")
    }
}
