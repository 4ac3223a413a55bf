/// `snapshot`: hmm_range_fault without faulting (SNAPSHOT ioctl) over one
/// mapping, and a check of the returned bytes against what the mapping
/// should give.
public struct SnapshotFlow: FlowDefinition {
    public init() {}
    public let name = "snapshot"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.snapshot }
    public let summary = "hmm_range_fault without faulting: one state byte per page (SNAPSHOT)"
    public let details = "Times HMM_DMIRROR_SNAPSHOT over the same mapping every repetition and checks the bytes."
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, MirrorFlowSupport.mappingParameter(),
         FlowParameter("populate", "write", choices: ["write", "read", "no"], "CPU write, CPU read, or never touch each page first"),
         MirrorFlowSupport.memoryParameter]
    }

    /// The byte every page should show, where the driver's answer is known
    /// (measured on the 6.1 module), else nil.
    static func expected(_ kind: MappingKind, _ population: Population) -> UInt8? {
        switch (kind, population) {
        case (.anon, .untouched), (.thp, .untouched): return SnapshotByte.none
        case (.anon, .read): return SnapshotByte.zero | SnapshotByte.read
        case (.anon, .write), (.shared, .write), (.file, .write): return SnapshotByte.write
        case (.thp, .write), (.hugetlb, .write): return SnapshotByte.pmd | SnapshotByte.write
        default: return nil
        }
    }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        var p = params
        let population: Population = params.values["populate"] == "read" ? .read : params.values["populate"] == "no" ? .untouched : .write
        p.values["populate"] = population == .untouched ? "no" : "yes"
        let i = try Instance(context, params: p, requires: [.snapshot])
        i.population = population
        return i
    }

    final class Instance: MirrorFlowInstance, FlowInstance, RepetitionLoop {
        var population = Population.write
        /// One byte per page, written by the driver (laid out once).
        var bytes: HostBuffer?
        func prepare() throws {
            if region == nil {
                var s = spec
                s.population = population
                region = try context.mirror.map(s)
                bytes = try HostBuffer.allocate(bytes: s.pages)
            }
        }
        func measure() throws -> UInt64 {
            try run(snapshotWindow, on: device, buffer: bytes?.pointer)
        }
        func measureLoop(into samples: UnsafeMutableBufferPointer<UInt64>, stop: () -> Bool) throws -> Int {
            let r = try current()
            let w = snapshotWindow
            let done = w.runLoop(address: r.address(page: 0), pages: r.pageCount, buffer: bytes?.pointer, into: samples, stop: stop)
            if let (_, reply) = w.failure { try MirrorFlowSupport.expectSuccess(reply, .snapshot, device: device) }
            return done
        }
        lazy var snapshotWindow = device.callWindow([device.request(.snapshot)])
        func check() throws -> FlowCheck {
            if let want = SnapshotFlow.expected(spec.kind, population) {
                return MirrorFlowSupport.checkSnapshot(device, try current(), expect: "every page \(SnapshotByte.describe(want))") { $0 == want }
            }
            return MirrorFlowSupport.checkSnapshot(device, try current(), expect: "no ERROR bytes") { $0 != SnapshotByte.error }
        }
    }
}
