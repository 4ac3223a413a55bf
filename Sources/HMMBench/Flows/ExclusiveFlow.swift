/// `exclusive`: make pages device-exclusive (make_device_exclusive,
/// EXCLUSIVE), or revoke that with a CPU fault (phase=revoke).
public struct ExclusiveFlow: FlowDefinition {
    public init() {}
    public let name = "exclusive"
    /// Phases `run --phases` traces (see PhaseSpec).
    public func phases(_ params: FlowParameters) -> [PhaseSpec] { PhaseSpec.exclusive }
    public let summary = "make pages device-exclusive, or revoke it with a CPU write fault"
    public let details = "phase=make times HMM_DMIRROR_EXCLUSIVE of a fresh, written range; phase=revoke makes it exclusive "
        + "untimed and times a CPU write to each page. Needs THP 'madvise' or 'never' on 6.1 (huge pages give EBUSY)."
    public var parameters: [FlowParameter] {
        [MirrorFlowSupport.sizeParameter, FlowParameter("phase", "make", choices: ["make", "revoke"], "what is timed"),
         MirrorFlowSupport.memoryParameter]
    }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        var p = params
        p.values["mapping"] = "anon"
        let i = try Instance(context, params: p, mappings: [.anon], requires: [.exclusive, .checkExclusive])
        i.revoke = params.values["phase"] == "revoke"
        return i
    }

    final class Instance: MirrorFlowInstance, FlowInstance {
        var revoke = false
        var lastReply = MirrorReply()
        func prepare() throws {
            try freshRegion()
            if revoke { try untimed(.exclusive) }
        }
        func measure() throws -> UInt64 {
            let r = try current()
            if revoke { return Clock.measure { context.mirror.cpuWrite(r, value: 0x77) }.ns }
            let w = window(device, matching: { _ in true }, make: { [device.request(.exclusive)] })
            let ns = try run(w, on: device)
            lastReply = w.reply(0)
            return ns
        }
        func check() throws -> FlowCheck {
            let r = try current()
            if !revoke {
                let ok = lastReply.cpages == UInt64(r.pageCount)
                return FlowCheck(passed: ok, detail: "EXCLUSIVE reported cpages=\(lastReply.cpages) of \(r.pageCount)")
            }
            let reply = device.perform(.checkExclusive, r, buffer: buffer.pointer)
            return FlowCheck(passed: reply.succeeded,
                             detail: reply.succeeded ? "CHECK_EXCLUSIVE after the CPU writes: no page still exclusive"
                                                     : "CHECK_EXCLUSIVE after the CPU writes: \(Errno.name(reply.errno)) (pages still exclusive)")
        }
    }
}
