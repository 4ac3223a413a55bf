import Foundation

/// `copy-bandwidth`: the CPU's memcpy bandwidth in this run: test_hmm's
/// "device memory" is RAM copied by the CPU, so this is a fair ceiling for
/// every migration number of the same run.
public struct CopyBandwidthFlow: FlowDefinition {
    public init() {}
    public let name = "copy-bandwidth"
    public let summary = "CPU memcpy bandwidth: the ceiling for every migration result of the run"
    public let details = "Times memcpy between two pre-faulted buffers of `size` bytes."
    public var parameters: [FlowParameter] { [FlowParameter("size", "64M", "bytes copied per operation")] }
    /// Every migration result of the run is also given as a ratio to this.
    public var providesCeiling: Bool { true }
    public var opensDevice: Bool { false }
    /// One untimed copy first, so the first measured one does not pay for
    /// the destination's page faults.
    public var minimumWarmup: Int { 1 }

    public func memoryNeed(_ params: FlowParameters) -> MemoryNeed {
        MemoryNeed.times(2, params, what: "the source and destination buffers")
    }

    public func instantiate(_ params: FlowParameters, context: FlowContext) throws -> FlowInstance {
        try Instance(bytes: try params.size(), backend: context.mirror.kind)
    }

    final class Instance: FlowInstance {
        let src: HostBuffer
        let dst: HostBuffer
        let backend: BackendKind
        init(bytes: Int, backend: BackendKind) throws {
            self.backend = backend
            src = try HostBuffer.allocate(bytes: bytes)
            dst = try HostBuffer.allocate(bytes: bytes)
            src.fillPattern(seed: 7)
        }
        var bytesPerOp: Int { src.bytes }
        var pagesPerOp: Int { src.bytes / PageSize.base }
        var deviceMemory: DeviceMemoryKind? { nil }
        var notes: [String] { ["plain CPU memcpy: real on every backend; recorded under the run's backend so runs are never mixed"] }
        func prepare() throws {}
        func measure() throws -> UInt64 { Clock.measure { memcpy(dst.pointer, src.pointer, src.bytes) }.ns }
        func check() throws -> FlowCheck {
            let same = memcmp(dst.pointer, src.pointer, src.bytes) == 0
            return FlowCheck(passed: same, detail: same ? "destination equals source" : "destination differs from source")
        }
    }
}
