import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

struct SizeAndErrorTests {
    @Test func parseSizes() throws {
        #expect(try PageSize.parse("4096") == 4096)
        #expect(try PageSize.parse("64K") == 65536)
        #expect(try PageSize.parse("2M") == 2 << 20)
        #expect(try PageSize.parse("1g") == 1 << 30)
        #expect(try PageSize.parse("16p") == 16 * PageSize.base)
        #expect(throws: HMMBenchError.self) { try PageSize.parse("") }
        #expect(throws: HMMBenchError.self) { try PageSize.parse("12Q") }
        #expect(throws: HMMBenchError.self) { try PageSize.parse("M") }
        #expect(throws: HMMBenchError.self) { try PageSize.parse("99999999999999999G") }
    }

    @Test func validateRejectsZeroUnalignedAndHuge() {
        func message(_ bytes: Int, unit: Int = PageSize.base) -> String? {
            do { try PageSize.validate(bytes: bytes, unit: unit); return nil } catch let e as HMMBenchError {
                #expect(e.kind == .usage)
                #expect(e.exitCode == 2)
                return e.message
            } catch { return "\(error)" }
        }
        #expect(message(0)?.contains("larger than zero") == true)
        #expect(message(4097)?.contains("not a multiple of 4 KiB") == true)
        #expect(message(4096 * 3, unit: PageSize.pmd)?.contains("not a multiple of 2 MiB") == true)
        #expect(message(1 << 50)?.contains("larger than this box's memory") == true)
        #expect(message(8192) == nil)
    }

    @Test func mappingSpecValidatesBeforeMapping() {
        #expect(throws: HMMBenchError.self) { _ = try MappedRegion(mapping: MappingSpec(.anon, bytes: 0)) }
        #expect(throws: HMMBenchError.self) { _ = try MappedRegion(mapping: MappingSpec(.thp, bytes: 4096)) }
    }

    @Test func formatting() {
        #expect(PageSize.format(bytes: 4096) == "4 KiB")
        #expect(PageSize.format(bytes: 2 << 20) == "2 MiB")
        #expect(PageSize.format(bytes: 3 << 29) == "1.5 GiB")
        #expect(Format.fixed(3.14159, 2) == "3.14")
        #expect(Format.fixed(-0.004, 2) == "0.00")
        #expect(Format.fixed(-1.5, 1) == "-1.5")
        #expect(Format.fixed(0.05, 3) == "0.050")
        #expect(Format.fixed(12, 0) == "12")
        #expect(Format.duration(ns: 812) == "812 ns")
        #expect(Format.duration(ns: 12_400) == "12.4 us")
        #expect(Format.duration(ns: 3_210_000) == "3.21 ms")
    }

    @Test func errnoNames() {
        #expect(Errno.name(EINVAL) == "EINVAL")
        #expect(Errno.describe(EFAULT).hasPrefix("EFAULT ("))
        #expect(Errno.code(named: "ENOENT") == ENOENT)
        #expect(Errno.name(9999) == "errno 9999")
    }

    @Test func openErrorsSayWhatToDo() {
        let missing = KernelBackend.openError(path: "/dev/hmm_dmirror0", index: 0, errno: ENOENT)
        #expect(missing.kind == .environment)
        #expect(missing.message == "no device /dev/hmm_dmirror0: the test_hmm module is not loaded")
        #expect(missing.hint?.contains("modprobe test_hmm") == true)
        #expect(missing.hint?.contains("bench/vm") == true)
        let coherent = KernelBackend.openError(path: "/dev/hmm_dmirror2", index: 2, errno: ENOENT)
        #expect(coherent.hint?.contains("spm_addr_dev0") == true)
        let denied = KernelBackend.openError(path: "/dev/hmm_dmirror1", index: 1, errno: EACCES)
        #expect(denied.message == "permission denied opening /dev/hmm_dmirror1")
        #expect(denied.hint?.contains("root") == true)
        #expect(denied.exitCode == 3)
    }

    @Test func kernelBackendWithoutDeviceFailsClearly() throws {
        let dir = TestFiles.temporaryDirectory("hmmb-nodev")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let b = KernelBackend(uapi: UAPIGeneration.v6_1.table, deviceDirectory: dir)
        #expect(b.presentDevices().isEmpty)
        do {
            _ = try b.openDevice(0)
            Issue.record("opening a missing device must fail")
        } catch let e as HMMBenchError {
            #expect(e.errno == ENOENT)
            #expect(e.message.contains("\(dir)/hmm_dmirror0"))
        }
    }
}
