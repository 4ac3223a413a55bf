import Foundation

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

    /// Measures every op of `config` with hmmbench's engine and with the
    /// reference program, interleaved in blocks (`PairedMeasurement`),
    /// both pinned to one CPU (`MeasuringCPU`), on the selection's kernel
    /// backend. With `recheckAbove`, every op whose ratio interval lies
    /// wholly above it is measured once more, after all ops, with
    /// `recheckFactor` times the repetitions, into `rechecks`: a real
    /// overhead shows again, a noisy stretch of a shared machine rarely
    /// does, and the longer run's narrower interval tells a small real
    /// overhead (a few percent) from one above the limit. `progress`
    /// receives one line per block (for stderr).
    public static func run(_ config: OverheadConfig, reference: ReferenceProgram, selection: BackendSelection,
                           catalog: FlowCatalog = .standard, recheckAbove: Double? = nil,
                           progress: (String) -> Void = { _ in }) throws -> OverheadReport {
        try requireKernel(selection)
        try config.validate()
        let uapi = try referenceUAPI(selection.mirror.uapi)
        guard FileManager.default.isExecutableFile(atPath: reference.path) else {
            throw HMMBenchError(.environment, "reference program \(reference.path) is missing or not executable",
                                hint: "build it: gcc -O2 -Wall -Wextra -static -o bench/reference/hmm-ref bench/reference/hmm-ref.c")
        }
        guard let choice = MeasuringCPU.choose(explicit: config.cpu, topology: selection.migrator.topology) else {
            throw HMMBenchError(.environment, "no CPU this process may run on")
        }
        // Pins this thread; hmm-ref is told the same CPU with --cpu.
        let pinned: Int? = config.pin ? choice.cpu : nil
        if let pinned { try Runner.pin(cpu: pinned) }
        let recorded = config.pin ? choice : MeasuringCPU(cpu: -1, reason: "not pinned: diagnostic --unpinned")
        var report = OverheadReport(uapi: uapi, kernelRelease: KernelRelease.running().release,
                                    virtualization: SystemFacts.virtualization(), config: config, cpu: recorded,
                                    referenceProgram: reference.path, startedAt: EnvironmentCapture.timestamp())
        if !config.pin { report.notes.append("diagnostic run: neither tool pinned to a CPU") }
        switch config.counters {
        case .separate: break
        case .paired: report.notes.append("diagnostic run: hmmbench's engine read its counters around every timed repetition")
        case .off: report.notes.append("diagnostic run: hmmbench's engine read no counters")
        }
        let context = FlowContext(mirror: selection.mirror, migrator: selection.migrator, pinnedCPU: pinned)
        // One op measured by both tools: its entry, or the reason it was skipped.
        func measure(_ op: OverheadOp, label: String, config: OverheadConfig) throws -> Measured {
            let flow = try catalog.flow(named: op.flow)
            let params = try catalog.parameters(flow: op.flow, values: op.flowValues(size: config.size, memory: config.memory))
            var check: FlowCheck?
            let measured: (reference: [UInt64], hmmbench: [Double], turns: [PairedMeasurement.Turn])
            // hmm-ref's blocks in one process for the op, as hmmbench's
            // are in its one process (or, diagnostic, a process each).
            let session = config.referenceProcess == .perOp ? try reference.serve(op, config, uapi: uapi, cpu: pinned) : nil
            defer { session?.cancel() }
            do {
                measured = try PairedMeasurement.run(blocks: config.blockSizes, reference: { n in
                    if let session { return try session.block(reps: n).samplesNs }
                    return try reference.run(op, config, reps: n, uapi: uapi, cpu: pinned).samplesNs
                }, hmmbench: { n in
                    // The same warm-up as hmm-ref's, every block.
                    let options = RunOptions(warmup: config.warmup, repetitions: n, cpu: pinned, counters: config.counters)
                    let result = try Runner.run(flow, params, context: context, options: options)
                    if result.samplesNs.count < n { throw HMMBenchError(.interrupted, "interrupted") }
                    check = result.check
                    return result.samplesNs
                }, progress: { block, tool in
                    progress("overhead: \(label) block \(block + 1)/\(config.blockSizes.count): \(tool.rawValue)")
                })
                try session?.finish()
            } catch let skip as FlowSkip {
                return .skipped(OverheadSkip(op: op, reason: skip.reason))
            } catch let failure as FlowFailure {
                throw HMMBenchError(.system, "\(op.flow) failed: \(failure)", errno: failure.errno)
            }
            return .entry(OverheadEntry(op: op, referenceSamplesNs: measured.reference, hmmbenchSamplesNs: measured.hmmbench,
                                          hmmbenchCheck: check, resamples: config.resamples, seed: config.seed))
        }
        // Ops that need no device first: until hmmbench opens one, its mm
        // has no mmu-notifier subscriptions, as hmm-ref's has none for them
        // (KernelBackend.hasOpenedDevice).
        for op in config.ops.filter({ !$0.usesDevice }) + config.ops.filter(\.usesDevice) {
            if let reason = skipReason(op, selection: selection, uapi: uapi) {
                report.skipped.append(OverheadSkip(op: op, reason: reason))
                continue
            }
            switch try measure(op, label: op.rawValue, config: config) {
            case .entry(let entry): report.entries.append(entry)
            case .skipped(let skip): report.skipped.append(skip)
            }
        }
        if let limit = recheckAbove {
            var rechecks: [OverheadEntry] = []
            var longer = config
            longer.repetitions = min(config.repetitions * Self.recheckFactor, 100_000)
            for entry in report.entries where entry.exceeds(limit) {
                switch try measure(entry.op, label: entry.op.rawValue + " (recheck)", config: longer) {
                case .entry(let again): rechecks.append(again)
                case .skipped(let skip): report.notes.append("recheck of \(entry.op.rawValue) skipped: \(skip.reason)")
                }
            }
            report.recheckLimit = limit
            report.rechecks = rechecks
        }
        return report
    }

    /// A recheck runs this many times the first measurement's repetitions.
    public static let recheckFactor = 3

    /// One op's outcome: compared, or skipped with the reason.
    enum Measured {
        case entry(OverheadEntry)
        case skipped(OverheadSkip)
    }

    /// Why `op` cannot be compared here, or nil.
    static func skipReason(_ op: OverheadOp, selection: BackendSelection, uapi: String) -> String? {
        if let needed = op.requiredRequest, !selection.mirror.uapi.supports(needed) {
            return "uapi \(uapi) has no \(needed.uapiName)"
        }
        if op == .movePages {
            guard selection.migrator.kind == .kernel else {
                return "no kernel NUMA backend (\(selection.numaReason)): move_pages needs two real nodes"
            }
            let nodes = selection.migrator.topology.nodes.map(\.id)
            guard nodes.contains(OverheadOp.moveFrom), nodes.contains(OverheadOp.moveTo) else {
                return "move-pages needs NUMA nodes \(OverheadOp.moveFrom) and \(OverheadOp.moveTo)"
            }
        }
        return nil
    }
}
