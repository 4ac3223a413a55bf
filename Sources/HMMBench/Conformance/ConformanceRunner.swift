import CShims
import Foundation

/// Runs conformance scenarios on any `MirrorBackend` and records every
/// step's reply, snapshot and data, so that a run on the real driver and a
/// run on the model can be compared step by step.
public enum ConformanceRunner {
    /// Byte a device write puts in page `i` of its buffer.
    static func writePattern(_ i: Int) -> UInt8 { 0xB0 | UInt8(i & 0xF) }

    /// Runs `scenarios` on `backend`. `kernelRelease` goes in the report.
    /// Scenarios with a `kernelHazard` are skipped on the kernel backend
    /// unless `includeHazards`.
    public static func run(_ scenarios: [ConformanceScenario] = ConformanceSuite.all, on backend: MirrorBackend,
                           kernelRelease: String, includeHazards: Bool = false) -> ConformanceReport {
        // Buffers first: nothing allocated mid-scenario may land in an
        // address range a scenario has just unmapped and still probes.
        let maxPages = scenarios.flatMap(\.actions).compactMap { a -> Int? in
            if case .map(let s) = a { return s.pages }
            return nil
        }.max() ?? 1
        let buffer = HostBuffer(bytes: maxPages * PageSize.base)
        let snapshot = HostBuffer(bytes: max(maxPages, PageSize.base))
        let results = scenarios.map { scenario -> ConformanceScenarioResult in
            if backend.kind == .kernel, let hazard = scenario.kernelHazard, !includeHazards {
                return ConformanceScenarioResult(name: scenario.name, status: .skipped,
                                                 reason: "skipped on the kernel: \(hazard) (--include-hazards runs it)")
            }
            return run(scenario, on: backend, buffer: buffer, snapshotBuffer: snapshot)
        }
        return ConformanceReport(backend: backend.kind, uapi: backend.uapi, kernelRelease: kernelRelease,
                                 devices: backend.presentDevices().map(\.index), scenarios: results)
    }

    static func run(_ scenario: ConformanceScenario, on backend: MirrorBackend, buffer: HostBuffer,
                    snapshotBuffer: HostBuffer) -> ConformanceScenarioResult {
        let missing = scenario.devices.filter { !backend.hasDevice($0) }.sorted()
        if !missing.isEmpty {
            let reason = missing.contains(where: { $0 >= 2 })
                ? "skipped: no device-coherent devices"
                : "skipped: no device \(missing.map(String.init).joined(separator: ", "))"
            return ConformanceScenarioResult(name: scenario.name, status: .skipped, reason: reason)
        }
        if let op = scenario.needs, !backend.uapi.supports(op) {
            return ConformanceScenarioResult(name: scenario.name, status: .skipped,
                                             reason: "skipped: uapi \(backend.uapi.name) has no \(op.rawValue)")
        }
        var state = RunState(backend: backend, buffer: buffer, snapshotBuffer: snapshotBuffer)
        defer { state.finish() }
        var steps: [ConformanceStep] = []
        for action in scenario.actions {
            do {
                steps.append(try state.perform(action))
            } catch {
                return ConformanceScenarioResult(name: scenario.name, status: .skipped,
                                                 reason: "skipped: \(action.summary) failed: \(error)", steps: steps)
            }
        }
        return ConformanceScenarioResult(name: scenario.name, status: .ran, steps: steps)
    }

    /// One scenario's mapping and open devices.
    struct RunState {
        let backend: MirrorBackend
        let buffer: HostBuffer
        let snapshotBuffer: HostBuffer
        var region: MappedRegion?
        var base: UInt = 0
        var pageCount = 0
        var mirrors: [Int: DeviceMirror] = [:]

        init(backend: MirrorBackend, buffer: HostBuffer, snapshotBuffer: HostBuffer) {
            self.backend = backend
            self.buffer = buffer
            self.snapshotBuffer = snapshotBuffer
        }

        mutating func finish() {
            region = nil
            for (_, m) in mirrors { m.close() }
            mirrors = [:]
        }

        mutating func mirror(_ d: Int) throws -> DeviceMirror {
            if let m = mirrors[d] { return m }
            let m = try backend.openDevice(d)
            mirrors[d] = m
            return m
        }

        func firstBytes(_ p: UnsafeMutableRawPointer, _ n: Int) -> String {
            ConformanceStep.runLength((0..<n).map { p.load(fromByteOffset: $0 * PageSize.base, as: UInt8.self) })
        }

        mutating func perform(_ action: ConformanceAction) throws -> ConformanceStep {
            var step = ConformanceStep(action: action.summary, op: action.opName, device: action.device)
            switch action {
            case .map(let spec):
                region = nil
                let r = try backend.map(spec)
                region = r
                base = r.address()
                pageCount = r.pageCount
            case .unmap:
                region = nil
            case .close(let d):
                mirrors[d]?.close()
                mirrors[d] = nil
            case .protect(let p):
                guard let r = region else { step.skipped = "no mapping"; break }
                do {
                    try backend.protect(r, p)
                    step.errno = "OK"
                } catch let e as HMMBenchError {
                    step.errno = e.errno.map(Errno.name) ?? "error"
                }
            case .cpuRead(let range):
                guard let r = region else { step.skipped = "no mapping"; break }
                let pages = range ?? 0..<r.pageCount
                backend.cpuRead(r, pages: pages)
                step.data = firstBytes(r.pointer(page: pages.lowerBound), pages.count)
            case .cpuWrite(let range, let value):
                guard let r = region else { step.skipped = "no mapping"; break }
                backend.cpuWrite(r, pages: range ?? 0..<r.pageCount, value: value)
            case .op(let op, let d, let range, let offset, let npages):
                guard backend.uapi.supports(op) else {
                    step.skipped = "uapi \(backend.uapi.name) has no \(op.rawValue)"
                    break
                }
                let m = try mirror(d)
                let pages = range ?? 0..<pageCount
                let address = base + UInt(pages.lowerBound * PageSize.base) + UInt(offset)
                let n = npages ?? pages.count
                let ptr: UnsafeMutableRawPointer
                if op == .snapshot {
                    ptr = snapshotBuffer.pointer
                    memset(ptr, 0xEE, max(n, 1))
                } else {
                    ptr = buffer.pointer
                    for i in 0..<max(n, 0) {
                        memset(ptr + i * PageSize.base, op == .write ? Int32(writePattern(i)) : 0xEE, PageSize.base)
                    }
                }
                let reply = m.perform(op, address: address, pages: n, buffer: ptr)
                step.cpages = reply.cpages
                step.faults = reply.faults
                step.errno = reply.succeeded ? "OK" : Errno.name(reply.errno)
                if reply.succeeded && n > 0 {
                    switch op {
                    case .snapshot:
                        step.snapshot = ConformanceStep.runLength(Array(UnsafeBufferPointer(
                            start: snapshotBuffer.pointer.assumingMemoryBound(to: UInt8.self), count: n)))
                    case .read, .migrateToDevice, .exclusive:
                        step.data = firstBytes(ptr, n)
                    default:
                        break
                    }
                }
            }
            return step
        }
    }
}
