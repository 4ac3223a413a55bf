import CShims
import Foundation

/// The real test_hmm driver: opens `/dev/hmm_dmirrorN` and issues ioctls.
public final class KernelBackend: MirrorBackend {
    public let kind = BackendKind.kernel
    public let uapi: UAPITable
    /// Where the device nodes live (tests point this elsewhere).
    public let deviceDirectory: String

    public init(uapi: UAPITable, deviceDirectory: String = "/dev") {
        self.uapi = uapi
        self.deviceDirectory = deviceDirectory
    }

    public func devices() -> [DeviceDescriptor] {
        (0..<DeviceDescriptor.count).map { i in
            let path = "\(deviceDirectory)/hmm_dmirror\(i)"
            return DeviceDescriptor(index: i, path: path, present: FileManager.default.fileExists(atPath: path))
        }
    }

    /// Whether this process has opened a dmirror device. From the first
    /// open on, its mm carries mmu-notifier subscriptions until it exits
    /// (mm/mmu_notifier.c: mmu_interval_notifier_insert registers them,
    /// removing the notifier does not free them), so every page it unmaps
    /// or migrates also passes the notifier hooks: NUMA flows say so in
    /// their notes.
    public static var hasOpenedDevice: Bool { openedDevice.load() }
    private static let openedDevice = OnceFlag()

    public func openDevice(_ index: Int) throws -> DeviceMirror {
        let d = DeviceDescriptor(index: index, path: "\(deviceDirectory)/hmm_dmirror\(index)", present: true)
        let fd = hmmb_open_rw(d.path)
        if fd < 0 { throw Self.openError(path: d.path, index: index, errno: -fd) }
        Self.openedDevice.set()
        return KernelMirror(descriptor: d, fd: fd, uapi: uapi)
    }

    /// The message for a device that cannot be opened.
    public static func openError(path: String, index: Int, errno e: Int32) -> HMMBenchError {
        switch e {
        case ENOENT:
            let hint = index >= 2
                ? "devices 2 and 3 (device-coherent) exist only when test_hmm is loaded with spm_addr_dev0= and spm_addr_dev1=; see bench/vm"
                : "load the driver with 'modprobe test_hmm' (CONFIG_TEST_HMM=m), or run on a test kernel with bench/vm/run"
            return HMMBenchError(.environment, "no device \(path): the test_hmm module is not loaded", hint: hint, errno: e)
        case EACCES, EPERM:
            return HMMBenchError(.environment, "permission denied opening \(path)",
                                 hint: "run as root, or give your user access: sudo chmod a+rw \(path)", errno: e)
        case ENXIO, ENODEV:
            return HMMBenchError(.environment, "\(path) exists but no driver answers (\(Errno.name(e)))",
                                 hint: "the node's major may be stale: reload test_hmm and recreate the node from /proc/devices", errno: e)
        default:
            return HMMBenchError.system("open \(path)", errno: e)
        }
    }

    public func map(_ spec: MappingSpec) throws -> MappedRegion {
        let region = try MappedRegion(mapping: spec)
        switch spec.population {
        case .untouched: break
        case .read: hmmb_compiler_barrier(); _ = hmmb_touch_read(region.base, region.pageCount, PageSize.base)
        case .write: memset(region.base, 0x5A, region.bytes)
        }
        if spec.protection != .readWrite { try region.protect(spec.protection) }
        return region
    }

    public func protect(_ region: MappedRegion, _ protection: Protection) throws {
        try region.protect(protection)
    }

    @discardableResult
    public func cpuRead(_ region: MappedRegion, pages: Range<Int>) -> UInt64 {
        hmmb_touch_read(region.pointer(page: pages.lowerBound), pages.count, PageSize.base)
    }

    public func cpuWrite(_ region: MappedRegion, pages: Range<Int>, value: UInt8) {
        hmmb_touch_write(region.pointer(page: pages.lowerBound), pages.count, PageSize.base, value)
    }
}

/// One open `/dev/hmm_dmirrorN` of the real driver.
public final class KernelMirror: DeviceMirror {
    public let descriptor: DeviceDescriptor
    public let uapi: UAPITable
    /// -1 once closed (a window's calls then fail with EBADF).
    private(set) var fd: Int32

    init(descriptor: DeviceDescriptor, fd: Int32, uapi: UAPITable) {
        self.descriptor = descriptor
        self.fd = fd
        self.uapi = uapi
    }

    public func request(_ op: MirrorOperation) -> MirrorRequest {
        MirrorRequest(operation: op, number: uapi.request(for: op))
    }

    public func perform(_ request: MirrorRequest, address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?) -> MirrorReply {
        guard let number = request.number else { return MirrorReply(errno: ENOTTY) }
        guard fd >= 0 else { return MirrorReply(errno: EBADF) }
        var cmd = hmm_dmirror_cmd(addr: UInt64(address), ptr: UInt64(UInt(bitPattern: buffer)),
                                  npages: UInt64(pages), cpages: 0, faults: 0)
        let r = hmmb_dmirror_ioctl(fd, number, &cmd)
        return MirrorReply(cpages: cmd.cpages, faults: cmd.faults, errno: r < 0 ? -r : 0)
    }

    /// The C window (`hmmb_dmirror_timed`), on this device's descriptor.
    public func callWindow(_ requests: [MirrorRequest]) -> MirrorCallWindow {
        MirrorCallWindow(device: self, requests: requests, kernel: self)
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    deinit { close() }
}
