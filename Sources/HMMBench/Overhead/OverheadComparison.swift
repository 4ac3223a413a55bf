import Foundation

/// One operation timed by both hmmbench and the minimal C program
/// (bench/reference/hmm-ref.c), and the hmmbench flow that does the same
/// kernel work.
public enum OverheadOp: String, Codable, CaseIterable, Sendable {
    /// One HMM_DMIRROR_READ of a fresh, CPU-written range (`fault-read`).
    case read
    /// MIGRATE_TO_DEV then MIGRATE_TO_SYS of a fresh, CPU-written range
    /// (`migrate-roundtrip`).
    case roundtrip

    /// The hmmbench flow doing the same work.
    public var flow: String { self == .read ? "fault-read" : "migrate-roundtrip" }

    /// The flow parameters that match what hmm-ref does: a private
    /// anonymous base-page mapping, every byte written first.
    public func flowValues(size: Int, memory: DeviceMemoryKind) -> [String: String] {
        var v = ["size": String(size), "mapping": MappingKind.anon.rawValue, "memory": memory.rawValue]
        if self == .read { v["populate"] = "yes" }
        return v
    }
}

/// What to compare: the same size, repetitions, warmup and device for
/// both tools.
public struct OverheadConfig: Equatable, Sendable {
    /// Bytes per operation (a multiple of the base page size).
    public var size: Int
    public var repetitions: Int
    public var warmup: Int
    /// dmirror device: 0 (private) or 2 (coherent), the devices hmmbench's
    /// flows use for `memory=private` and `memory=coherent`.
    public var device: Int
    public var ops: [OverheadOp]

    public init(size: Int = 2 << 20, repetitions: Int = 20, warmup: Int = 3, device: Int = 0,
                ops: [OverheadOp] = OverheadOp.allCases) {
        self.size = size
        self.repetitions = repetitions
        self.warmup = warmup
        self.device = device
        self.ops = ops
    }

    /// The device memory kind hmmbench's flows use for `device`.
    public var memory: DeviceMemoryKind { device >= 2 ? .coherent : .private }

    /// Usage errors for values neither tool can run with.
    public func validate() throws {
        guard (1...100_000).contains(repetitions) else { throw HMMBenchError.usage("--reps \(repetitions) is out of range 1...100000") }
        guard (0...10_000).contains(warmup) else { throw HMMBenchError.usage("--warmup \(warmup) is out of range 0...10000") }
        try PageSize.validate(bytes: size, unit: PageSize.base, what: "--size")
        guard device == 0 || device == 2 else {
            throw HMMBenchError.usage("--device \(device): hmmbench's flows use device 0 (memory=private) or 2 (memory=coherent)",
                                      hint: "give --device 0 or --device 2")
        }
        guard !ops.isEmpty else { throw HMMBenchError.usage("no operation to compare") }
    }
}

/// The JSON object hmm-ref prints on stdout. Fields beyond these are
/// ignored; `uapi`, `page_size`, `reps` and `clock` are optional so older
/// builds of the program still parse.
public struct ReferenceOutput: Codable, Equatable, Sendable {
    public var tool: String
    public var op: String
    public var uapi: String?
    public var size: Int
    public var pageSize: Int?
    public var device: Int
    public var warmup: Int
    public var reps: Int?
    public var clock: String?
    public var samplesNs: [UInt64]

    public init(tool: String = "hmm-ref", op: String, uapi: String? = nil, size: Int, pageSize: Int? = nil, device: Int,
                warmup: Int, reps: Int? = nil, clock: String? = nil, samplesNs: [UInt64]) {
        self.tool = tool
        self.op = op
        self.uapi = uapi
        self.size = size
        self.pageSize = pageSize
        self.device = device
        self.warmup = warmup
        self.reps = reps
        self.clock = clock
        self.samplesNs = samplesNs
    }

    enum CodingKeys: String, CodingKey {
        case tool, op, uapi, size
        case pageSize = "page_size"
        case device, warmup, reps, clock
        case samplesNs = "samples_ns"
    }

    /// Decodes hmm-ref's stdout and checks that it answers the question
    /// asked: same tool, operation, size, device, warmup, uapi and one
    /// sample per repetition. Throws `.data` errors.
    public static func parse(_ data: Data, op: OverheadOp, config: OverheadConfig, uapi: String? = nil) throws -> ReferenceOutput {
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
        if out.samplesNs.count != config.repetitions {
            throw mismatch("samples", "\(out.samplesNs.count)", "\(config.repetitions) (one per repetition)")
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

/// The minimal C program (bench/reference/hmm-ref.c, built with gcc):
/// where it is and how to run it.
public struct ReferenceProgram: Equatable, Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// The program's name next to hmmbench and in the tree.
    public static let name = "hmm-ref"

    /// Where to look when `--reference` is not given: next to the hmmbench
    /// executable, then bench/reference/hmm-ref under the working directory.
    public static func defaultCandidates(executablePath: String = currentExecutable(),
                                         workingDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        var out: [String] = []
        let exe = executablePath
        if let slash = exe.lastIndex(of: "/") {
            let dir = String(exe[..<slash])
            out.append((dir.isEmpty ? "" : dir) + "/" + name)
        }
        out.append(workingDirectory + "/bench/reference/" + name)
        return out
    }

    /// The running executable: /proc/self/exe when it resolves (the real
    /// path even when started through PATH), else argv[0].
    public static func currentExecutable() -> String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), p.hasPrefix("/") { return p }
        return CommandLine.arguments.first ?? ""
    }

    /// The program at `explicit`, or the first executable candidate.
    /// Throws an `.environment` error naming every place looked at.
    public static func locate(explicit: String?, candidates: [String] = defaultCandidates()) throws -> ReferenceProgram {
        let build = "build it with 'gcc -O2 -Wall -Wextra -static -o bench/reference/hmm-ref bench/reference/hmm-ref.c' "
            + "(bench/overhead does), or give --reference PATH"
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw HMMBenchError(.environment, "reference program \(explicit) does not exist", hint: build)
            }
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw HMMBenchError(.environment, "reference program \(explicit) is not executable", hint: "chmod +x \(explicit), or " + build)
            }
            return ReferenceProgram(path: explicit)
        }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            return ReferenceProgram(path: c)
        }
        throw HMMBenchError(.environment, "reference program hmm-ref not found (looked at \(candidates.joined(separator: ", ")))",
                            hint: build)
    }

    /// The command line for one operation.
    public func arguments(_ op: OverheadOp, _ config: OverheadConfig, uapi: String) -> [String] {
        [op.rawValue, "--size", String(config.size), "--reps", String(config.repetitions), "--warmup", String(config.warmup),
         "--device", String(config.device), "--uapi", uapi]
    }

    /// Runs the program for `op` and returns its checked output. A non-zero
    /// exit becomes an error of the kind its exit code says (2 usage,
    /// 3 environment, 4 kernel call), carrying the program's own message.
    public func run(_ op: OverheadOp, _ config: OverheadConfig, uapi: String) throws -> ReferenceOutput {
        let (status, signaled, stdout, stderr) = try Self.spawn(path, arguments(op, config, uapi: uapi))
        let message = stderr.split(separator: "\n").map { line -> String in
            var l = String(line)
            if l.hasPrefix("hmm-ref: error: ") { l.removeFirst("hmm-ref: error: ".count) }
            return l
        }
        let errorLine = message.first { !$0.hasPrefix("hmm-ref: hint: ") } ?? "no message"
        let hintLine = message.first { $0.hasPrefix("hmm-ref: hint: ") }.map { String($0.dropFirst("hmm-ref: hint: ".count)) }
        if signaled {
            if status == SIGINT || status == SIGTERM { throw HMMBenchError(.interrupted, "interrupted") }
            throw HMMBenchError(.system, "\(path) \(op.rawValue) was killed by signal \(status)")
        }
        if status != 0 {
            let kind: HMMBenchError.Kind = status == 2 ? .usage : status == 3 ? .environment : .system
            let errno = message.lazy.compactMap { Self.errnoCode(in: $0) }.first
            throw HMMBenchError(kind, "hmm-ref \(op.rawValue) failed (exit \(status)): \(errorLine)",
                                hint: hintLine ?? (kind == .environment ? "bench/vm/run boots a kernel with test_hmm" : nil),
                                errno: errno)
        }
        return try ReferenceOutput.parse(stdout, op: op, config: config, uapi: uapi)
    }

    /// The errno a message names ("...: ENOENT (No such file...)").
    static func errnoCode(in line: String) -> Int32? {
        for word in line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "(" }) where word.hasPrefix("E") {
            if let code = Errno.names.first(where: { $0.value == word })?.key { return code }
        }
        return nil
    }

    /// Runs `path` with `args` (see `Subprocess`), naming the reference
    /// program when it cannot start.
    static func spawn(_ path: String, _ args: [String]) throws -> (status: Int32, signaled: Bool, stdout: Data, stderr: String) {
        do {
            let r = try Subprocess.run(path, args)
            return (r.status, r.signaled, r.stdout, r.stderr)
        } catch let e as HMMBenchError where e.kind == .environment {
            throw HMMBenchError(.environment, "cannot start reference program \(path): \(Errno.describe(e.errno ?? 0))",
                                hint: "check that it is an x86-64 binary built from bench/reference/hmm-ref.c", errno: e.errno)
        }
    }
}

/// One operation compared: both tools' statistics and the ratio.
public struct OverheadEntry: Codable, Equatable, Sendable {
    public var op: OverheadOp
    /// The hmmbench flow that did the work.
    public var flow: String
    public var reference: SampleStats
    public var hmmbench: SampleStats
    /// hmmbench median / reference median: 1.0 means no harness overhead.
    /// Nil when the reference median is not positive.
    public var ratioMedian: Double?
    /// hmmbench mean / reference mean.
    public var ratioMean: Double?
    /// The flow's own check (pages where they should be) after timing.
    public var hmmbenchCheck: FlowCheck?
    /// Every sample, nanoseconds, in run order.
    public var referenceSamplesNs: [UInt64]
    public var hmmbenchSamplesNs: [Double]

    public init(op: OverheadOp, referenceSamplesNs: [UInt64], hmmbenchSamplesNs: [Double], hmmbenchCheck: FlowCheck? = nil) {
        self.op = op
        flow = op.flow
        self.referenceSamplesNs = referenceSamplesNs
        self.hmmbenchSamplesNs = hmmbenchSamplesNs
        // Not `.map(Double.init)`: on [UInt64] that picks Double(bitPattern:).
        reference = Statistics.summarize(referenceSamplesNs.map { Double($0) })
        hmmbench = Statistics.summarize(hmmbenchSamplesNs)
        ratioMedian = Self.ratio(hmmbench.median, reference.median)
        ratioMean = Self.ratio(hmmbench.mean, reference.mean)
        self.hmmbenchCheck = hmmbenchCheck
    }

    /// `hmmbench / reference`, nil unless both are finite and the
    /// reference is positive.
    public static func ratio(_ hmmbench: Double, _ reference: Double) -> Double? {
        guard reference > 0, reference.isFinite, hmmbench.isFinite else { return nil }
        return hmmbench / reference
    }

    enum CodingKeys: String, CodingKey {
        case op, flow, reference, hmmbench
        case ratioMedian = "ratio_median"
        case ratioMean = "ratio_mean"
        case hmmbenchCheck = "hmmbench_check"
        case referenceSamplesNs = "reference_samples_ns"
        case hmmbenchSamplesNs = "hmmbench_samples_ns"
    }
}

/// An operation not compared, and why (e.g. no MIGRATE_TO_SYS before 6.0).
public struct OverheadSkip: Codable, Equatable, Sendable {
    public var op: OverheadOp
    public var reason: String

    public init(op: OverheadOp, reason: String) {
        self.op = op
        self.reason = reason
    }
}

/// The result of `hmmbench overhead`: hmmbench's timing of the same
/// ioctls as the minimal C program, side by side, with the ratio.
public struct OverheadReport: Codable, Equatable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var tool: String
    /// Always "kernel": simulated numbers are never compared with real ones.
    public var backend: BackendKind
    public var uapi: String
    public var kernelRelease: String
    /// "bare-metal", "kvm", "tcg" (functional evidence only), "vm", "unknown".
    public var virtualization: String
    public var size: Int
    public var reps: Int
    public var warmup: Int
    public var device: Int
    public var deviceMemory: DeviceMemoryKind
    /// The reference program that ran.
    public var referenceProgram: String
    public var hmmbenchVersion: String
    public var startedAt: String
    public var entries: [OverheadEntry]
    public var skipped: [OverheadSkip]
    public var notes: [String]

    public init(uapi: String, kernelRelease: String, virtualization: String, config: OverheadConfig,
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
        device = config.device
        deviceMemory = config.memory
        self.referenceProgram = referenceProgram
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
        case virtualization, size, reps, warmup, device
        case deviceMemory = "device_memory"
        case referenceProgram = "reference_program"
        case hmmbenchVersion = "hmmbench_version"
        case startedAt = "started_at"
        case entries, skipped, notes
    }

    /// The report as plain text, no line wider than 72 columns.
    public func text() -> String {
        var lines: [String] = []
        lines.append("hmmbench overhead: hmmbench's engine vs hmm-ref (same ioctls in C)")
        lines.append("kernel \(kernelRelease), uapi \(uapi), \(virtualization), /dev/hmm_dmirror\(device) (\(deviceMemory.rawValue))")
        lines.append("\(PageSize.format(bytes: size)) anon private, \(reps) reps after \(warmup) warmup, CLOCK_MONOTONIC_RAW")
        if SystemFacts.isSoftwareEmulated(virtualization) {
            lines.append("tcg: software emulation; the ratio is evidence, the times are not")
        }
        lines.append("")
        // 2 + 9 + 8 + 3 x 9 + 3 x 6 + 7 separators = 71 columns.
        let cols = [TextLayout.Column(9, left: true), TextLayout.Column(8, left: true), TextLayout.Column(9),
                    TextLayout.Column(9), TextLayout.Column(9), TextLayout.Column(6), TextLayout.Column(6),
                    TextLayout.Column(6)]
        lines.append(TextLayout.row(["op", "tool", "median", "mean", "p90", "cv", "ratio", "ratio"], cols))
        lines.append(TextLayout.row(["", "", "", "", "", "", "median", "mean"], cols))
        lines.append(TextLayout.row(cols.map { String(repeating: "-", count: $0.width) }, cols))
        for e in entries {
            lines.append(TextLayout.row([e.op.rawValue, "hmm-ref"] + Self.cells(e.reference), cols))
            lines.append(TextLayout.row(["", "hmmbench"] + Self.cells(e.hmmbench)
                                        + [Self.ratioText(e.ratioMedian), Self.ratioText(e.ratioMean)], cols))
            if let c = e.hmmbenchCheck, !c.passed {
                lines.append(contentsOf: TextLayout.wrap("  check FAILED (\(e.flow)): \(c.detail)"))
            }
        }
        if entries.isEmpty { lines.append("  (no operation compared)") }
        lines.append("")
        lines.append("ratio = hmmbench / hmm-ref; 1.00 means no harness overhead")
        for s in skipped {
            lines.append(contentsOf: TextLayout.wrap("skipped \(s.op.rawValue): \(s.reason)"))
        }
        for n in notes { lines.append(contentsOf: TextLayout.wrap("note: \(n)")) }
        return lines.joined(separator: "\n")
    }

    static func cells(_ s: SampleStats) -> [String] {
        [Format.duration(ns: s.median), Format.duration(ns: s.mean), Format.duration(ns: s.p90), TextLayout.percent(s.cv)]
    }

    static func ratioText(_ r: Double?) -> String {
        r.map { Format.fixed($0, 2) } ?? "n/a"
    }
}

/// Runs the same work through hmm-ref and through hmmbench's engine, and
/// reports the ratio of their timings: the harness overhead, measured.
public enum OverheadComparison {
    /// Refuses anything but the real driver: hmm-ref only talks to
    /// /dev/hmm_dmirrorN, and simulated numbers must never be set beside
    /// kernel ones.
    public static func requireKernel(_ selection: BackendSelection) throws {
        guard selection.mirror.kind == .kernel else {
            throw HMMBenchError(.environment,
                                "overhead needs the real driver (/dev/hmm_dmirror0): hmm-ref times the kernel's ioctls, "
                                    + "and simulated numbers are never compared with real ones",
                                hint: "bench/vm/run boots a kernel with test_hmm and runs it; or modprobe test_hmm "
                                    + "(CONFIG_TEST_HMM=m) and use --backend kernel")
        }
    }

    /// The uapi generation name hmm-ref understands for the selection's
    /// table; a usage error for an explicit `--uapi-table`.
    public static func referenceUAPI(_ table: UAPITable) throws -> String {
        guard let g = table.generation else {
            throw HMMBenchError.usage("overhead cannot follow an explicit --uapi-table: hmm-ref knows the 5.8, 5.14, 6.0, 6.1 and 6.19 tables",
                                      hint: "give --uapi GEN, or add the table to bench/reference/hmm-ref.c")
        }
        return g.rawValue
    }

    /// Measures every op of `config` with hmmbench's engine, then with the
    /// reference program, on the selection's kernel backend.
    /// `progress` receives one line per step (for stderr).
    public static func run(_ config: OverheadConfig, reference: ReferenceProgram, selection: BackendSelection,
                           catalog: FlowCatalog = .standard, progress: (String) -> Void = { _ in }) throws -> OverheadReport {
        try requireKernel(selection)
        try config.validate()
        let uapi = try referenceUAPI(selection.mirror.uapi)
        guard FileManager.default.isExecutableFile(atPath: reference.path) else {
            throw HMMBenchError(.environment, "reference program \(reference.path) is missing or not executable",
                                hint: "build it: gcc -O2 -Wall -Wextra -static -o bench/reference/hmm-ref bench/reference/hmm-ref.c")
        }
        var report = OverheadReport(uapi: uapi, kernelRelease: KernelRelease.running().release,
                                    virtualization: SystemFacts.virtualization(), config: config,
                                    referenceProgram: reference.path, startedAt: EnvironmentCapture.timestamp())
        report.notes.append("hmmbench ran first, then hmm-ref, each with its own warmup; neither was pinned to a CPU")
        let context = FlowContext(mirror: selection.mirror, migrator: selection.migrator)
        let options = RunOptions(warmup: config.warmup, repetitions: config.repetitions)
        for op in config.ops {
            if op == .roundtrip, !selection.mirror.uapi.supports(.migrateToSystem) {
                report.skipped.append(OverheadSkip(op: op, reason: "uapi \(uapi) has no MIGRATE_TO_SYS; hmm-ref times only the ioctl pair"))
                continue
            }
            let params = try catalog.parameters(flow: op.flow, values: op.flowValues(size: config.size, memory: config.memory))
            progress("overhead: \(op.flow) through hmmbench's engine")
            let result: FlowResult
            do {
                result = try Runner.run(try catalog.flow(named: op.flow), params, context: context, options: options)
            } catch let skip as FlowSkip {
                report.skipped.append(OverheadSkip(op: op, reason: skip.reason))
                continue
            } catch let failure as FlowFailure {
                throw HMMBenchError(.system, "\(op.flow) failed: \(failure)", errno: failure.errno)
            }
            progress("overhead: hmm-ref \(op.rawValue)")
            let ref = try reference.run(op, config, uapi: uapi)
            report.entries.append(OverheadEntry(op: op, referenceSamplesNs: ref.samplesNs, hmmbenchSamplesNs: result.samplesNs,
                                                hmmbenchCheck: result.check))
        }
        return report
    }
}
