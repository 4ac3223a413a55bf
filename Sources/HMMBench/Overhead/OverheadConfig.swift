/// What to compare: the same size, repetitions, warm-up, CPU and device
/// for both tools, and how the repetitions are interleaved.
public struct OverheadConfig: Equatable, Sendable {
    /// Bytes per operation (a multiple of the base page size).
    public var size: Int
    /// Measured repetitions per tool and operation, in all blocks.
    public var repetitions: Int
    /// Repetitions run and discarded at the start of every block, by both
    /// tools alike.
    public var warmup: Int
    /// Measured repetitions of one tool before the other tool's turn.
    public var block: Int
    /// dmirror device: 0 (private) or 2 (coherent), the devices hmmbench's
    /// flows use for `memory=private` and `memory=coherent`.
    public var device: Int
    /// The CPU both tools are pinned to; nil: chosen by `CPUChoice`.
    public var cpu: Int?
    public var ops: [OverheadOp]
    /// How hmmbench's engine reads its counters, as `run --counters` (the
    /// default, `.separate`, is how the engine runs; `.paired` and `.off`
    /// are diagnostics).
    public var counters = CounterMode.separate
    /// Diagnostic: both tools left unpinned.
    public var pin = true
    /// How hmm-ref's blocks run: all of an op's in one process (the
    /// default, as hmmbench's) or a new process per block (as before 3
    /// December, a diagnostic).
    public var referenceProcess = ReferenceProcess.perOp
    /// Bootstrap resamples and seed of the ratio's interval.
    public var resamples: Int
    public var seed: UInt64

    public init(size: Int = 2 << 20, repetitions: Int = 20, warmup: Int = 2, block: Int = 5, device: Int = 0,
                cpu: Int? = nil, ops: [OverheadOp] = OverheadOp.allCases,
                resamples: Int = BootstrapInterval.defaultResamples, seed: UInt64 = BootstrapInterval.defaultSeed) {
        self.size = size
        self.repetitions = repetitions
        self.warmup = warmup
        self.block = block
        self.device = device
        self.cpu = cpu
        self.ops = ops
        self.resamples = resamples
        self.seed = seed
    }

    /// The device memory kind hmmbench's flows use for `device`.
    public var memory: DeviceMemoryKind { device >= 2 ? .coherent : .private }

    /// The measured repetitions of each block, in order: `block` each, the
    /// last one what is left.
    public var blockSizes: [Int] {
        stride(from: 0, to: repetitions, by: max(block, 1)).map { min(max(block, 1), repetitions - $0) }
    }

    /// Usage errors for values neither tool can run with.
    public func validate() throws {
        guard (1...100_000).contains(repetitions) else { throw HMMBenchError.usage("--reps \(repetitions) is out of range 1...100000") }
        guard (0...10_000).contains(warmup) else { throw HMMBenchError.usage("--warmup \(warmup) is out of range 0...10000") }
        guard (1...100_000).contains(block) else { throw HMMBenchError.usage("--block \(block) is out of range 1...100000") }
        guard (100...1_000_000).contains(resamples) else {
            throw HMMBenchError.usage("--resamples \(resamples) is out of range 100...1000000")
        }
        try PageSize.validate(bytes: size, unit: PageSize.base, what: "--size")
        guard device == 0 || device == 2 else {
            throw HMMBenchError.usage("--device \(device): hmmbench's flows use device 0 (memory=private) or 2 (memory=coherent)",
                                      hint: "give --device 0 or --device 2")
        }
        guard !ops.isEmpty else { throw HMMBenchError.usage("no operation to compare") }
    }
}

/// Where hmm-ref's blocks run (`overhead --reference-process`).
public enum ReferenceProcess: String, CaseIterable, Sendable, Codable {
    /// One process per op, started with --serve, a block per line.
    case perOp = "op"
    /// A new process for every block.
    case perBlock = "block"

    /// Parses the option's value; a usage error names the choices.
    public static func parse(_ text: String) throws -> ReferenceProcess {
        guard let p = ReferenceProcess(rawValue: text) else {
            throw HMMBenchError.usage("--reference-process \(text) is not op or block")
        }
        return p
    }
}
