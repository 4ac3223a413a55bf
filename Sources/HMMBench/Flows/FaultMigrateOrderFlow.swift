/// `fault-then-migrate` and `migrate-then-fault`: the two sequences a
/// unified fault-and-migrate walk would replace, on a range where only a
/// chosen percentage of pages is present:
/// (a) hmm_range_fault (READ) then migrate_vma (MIGRATE_TO_DEV);
/// (b) migrate_vma, fault (READ), migrate_vma again.
/// A suite running both gets their ratio in `derived`.
public struct FaultMigrateOrderFlow: FlowDefinition {
    public let faultFirst: Bool
    public init(faultFirst: Bool) { self.faultFirst = faultFirst }

    public var name: String { faultFirst ? "fault-then-migrate" : "migrate-then-fault" }
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.union(PhaseSpec.migrateToDevice, PhaseSpec.deviceFault) }
    public var summary: String {
        faultFirst ? "hmm_range_fault then migrate_vma on a partly present range"
                   : "migrate_vma, fault the rest, migrate_vma again on a partly present range"
    }
    public var details: String {
        "Untimed: a fresh range with present% of its pages CPU-written, the rest never touched. Timed: "
            + (faultFirst ? "READ then MIGRATE_TO_DEV." : "MIGRATE_TO_DEV, READ, MIGRATE_TO_DEV.")
            + " Compare with \(faultFirst ? "migrate-then-fault" : "fault-then-migrate") (same parameters)."
    }
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, FlowParameter("present", "50", "percent of pages present before the sequence (0-100)"),
         MirrorFlowSupport.memoryParameter]
    }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed { MemoryNeed.deviceMigration(params) }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        var p = params
        p.values["mapping"] = "anon"
        p.values["populate"] = "no"
        let i = try Instance(context, params: p, mappings: [.anon], requires: [.read, .migrateToDevice, .snapshot])
        i.present = try params.int("present", in: 0...100)
        i.faultFirst = faultFirst
        return i
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        var present = 50
        var faultFirst = true
        var notes: [String] { [MirrorFlowSupport.copyBackNote] }
        func prepare() throws {
            let r = try freshRegion()
            let n = r.pageCount * present / 100
            if n > 0 { context.mirror.cpuWrite(r, pages: 0..<n, value: 0x11) }
        }
        func measure() throws -> UInt64 {
            try timed(faultFirst ? [.read, .migrateToDevice] : [.migrateToDevice, .read, .migrateToDevice])
        }
        func check() throws -> FlowCheck {
            MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page in \(memory.rawValue) device memory") {
                MirrorFlowSupport.onDevice($0, memory: self.memory)
            }
        }
    }

    /// The other order of the pair.
    var otherName: String { FaultMigrateOrderFlow(faultFirst: !faultFirst).name }

    /// Adds `ratio_to_<other>` to each of this flow's results whose pair
    /// (the other order, equal parameters) is in `results`: mean time of
    /// this over mean time of the other.
    public func derive(_ results: inout [FlowResult]) {
        let key = "ratio_to_" + otherName.replacingOccurrences(of: "-", with: "_")
        for i in results.indices where results[i].flow == name {
            guard let j = results.firstIndex(where: { $0.flow == otherName && $0.params == results[i].params }),
                  results[j].stats.mean > 0 else { continue }
            results[i].derived[key] = results[i].stats.mean / results[j].stats.mean
        }
    }

    /// Both orders' ratios at once (`derive` of each).
    public static func addRatios(_ results: inout [FlowResult]) {
        for faultFirst in [true, false] { FaultMigrateOrderFlow(faultFirst: faultFirst).derive(&results) }
    }
}
