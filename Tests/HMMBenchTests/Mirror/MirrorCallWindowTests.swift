import CShims
import Foundation
import Testing
@testable import HMMBench

/// The real driver's call window (`hmmb_dmirror_timed` behind
/// `KernelMirror.callWindow`) without the driver: a pipe's FIONREAD stands
/// in for a call that succeeds, any other request on a pipe for one the
/// file does not have (ENOTTY). And the Swift window of the simulator.
@Suite struct MirrorCallWindowTests {
    /// A KernelMirror on the read end of a fresh pipe (closed by `close`).
    func pipeMirror() -> KernelMirror {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        Glibc.close(fds[1])
        return KernelMirror(descriptor: DeviceDescriptor(index: 0, path: "pipe", present: true), fd: fds[0],
                            uapi: UAPITable(name: "test", requests: [:]))
    }

    static let succeeds = MirrorRequest(operation: .read, number: UInt(FIONREAD))
    static let notAnIoctlOfAPipe = MirrorRequest(operation: .snapshot, number: 0xC028_4800)

    @Test func everyCallIsMadeEveryRun() {
        let m = pipeMirror()
        defer { m.close() }
        let w = m.callWindow([Self.succeeds, Self.succeeds])
        for _ in 0..<3 {
            #expect(w.run(address: 0, pages: 1, buffer: nil) > 0)
            #expect(w.issued == 2)
            #expect(w.failure == nil)
            #expect(w.reply(1) == MirrorReply())
        }
    }

    @Test func theWindowEndsAtTheFirstFailureWithItsErrno() {
        let m = pipeMirror()
        defer { m.close() }
        let w = m.callWindow([Self.succeeds, Self.notAnIoctlOfAPipe, Self.succeeds])
        _ = w.run(address: 0, pages: 1, buffer: nil)
        #expect(w.issued == 2)
        #expect(w.reply(0) == MirrorReply())
        #expect(w.failure?.index == 1)
        #expect(w.failure?.reply == MirrorReply(errno: ENOTTY))
    }

    @Test func aClosedDeviceFailsWithEBADF() {
        let m = pipeMirror()
        let w = m.callWindow([Self.succeeds])
        m.close()
        _ = w.run(address: 0, pages: 1, buffer: nil)
        #expect(w.failure?.reply == MirrorReply(errno: EBADF))
    }

    @Test func aRequestTheUAPILacksIsAnsweredWithoutACall() {
        let m = pipeMirror()
        defer { m.close() }
        let w = m.callWindow([Self.succeeds, MirrorRequest(operation: .flags, number: nil)])
        _ = w.run(address: 0, pages: 1, buffer: nil)
        #expect(w.issued == 2)
        #expect(w.failure?.reply == MirrorReply(errno: ENOTTY))
    }

    @Test func theCLoopTimesEveryRepetitionAndStopsAtAFailure() {
        let m = pipeMirror()
        defer { m.close() }
        let samples = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 5)
        defer { samples.deallocate() }
        samples.initialize(repeating: 0)
        let ok = m.callWindow([Self.succeeds])
        #expect(ok.runLoop(address: 0, pages: 1, buffer: nil, into: samples, stop: { false }) == 5)
        #expect(samples.allSatisfy { $0 > 0 })
        #expect(ok.failure == nil)
        let bad = m.callWindow([Self.notAnIoctlOfAPipe])
        #expect(bad.runLoop(address: 0, pages: 1, buffer: nil, into: samples, stop: { false }) == 0)
        #expect(bad.failure?.reply == MirrorReply(errno: ENOTTY))
    }

    @Test func theSimulatorsWindowGivesTheRepliesOfPerform() throws {
        // The same two calls on two identical simulators: through a window
        // on one, one perform at a time on the other.
        func setUp() throws -> (MappedRegion, DeviceMirror, HostBuffer) {
            let b = SimulatedBackend(uapi: UAPIGeneration.v6_1.table)
            let r = try b.map(MappingSpec(.anon, bytes: 16 * PageSize.base, population: .write))
            return (r, try b.openDevice(0), HostBuffer(bytes: r.bytes))
        }
        let ops: [MirrorOperation] = [.migrateToDevice, .read]
        let (r1, d1, b1) = try setUp()
        let direct = ops.map { d1.perform($0, r1, buffer: b1.pointer) }
        let (r2, d2, b2) = try setUp()
        let w = d2.callWindow(ops.map { d2.request($0) })
        _ = w.run(address: r2.address(page: 0), pages: r2.pageCount, buffer: b2.pointer)
        #expect(w.issued == 2)
        #expect((0..<2).map { w.reply($0) } == direct)
        #expect(direct[0].cpages == 16)
    }
}
