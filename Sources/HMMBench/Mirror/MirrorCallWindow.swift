import CShims

/// A timed window of mirror calls, set up once and issued every
/// repetition. The request numbers and the commands are laid out when it
/// is made; a repetition only writes the range into them and makes the
/// calls, so between two repetitions a flow runs no table lookup, no
/// allocation and no generic code for them. That matters beyond the
/// window itself: code run between repetitions slows the next call (under
/// TCG by about 2% of a 92 us snapshot for twenty snprintf calls, bench/
/// README.md).
///
/// On the real driver (`KernelMirror`) the window is `hmmb_dmirror_timed`:
/// both clock reads and the ioctls in one C function, as in hmm-ref. Any
/// other device, or a request its uapi lacks, is timed in Swift around
/// `perform`.
public final class MirrorCallWindow {
    /// The calls, in the order they are made.
    public let requests: [MirrorRequest]
    private let device: DeviceMirror
    /// The real driver, when the window is the C one.
    private let kernel: KernelMirror?
    private let numbers: UnsafeMutableBufferPointer<UInt>
    private let commands: UnsafeMutableBufferPointer<hmm_dmirror_cmd>
    private let replies: UnsafeMutableBufferPointer<MirrorReply>
    /// Calls the last run made (all of them, or up to the one that failed).
    public private(set) var issued = 0

    init(device: DeviceMirror, requests: [MirrorRequest], kernel: KernelMirror? = nil) {
        self.device = device
        self.requests = requests
        let numbered = requests.allSatisfy { $0.number != nil }
        self.kernel = numbered && !requests.isEmpty ? kernel : nil
        let n = max(requests.count, 1)
        numbers = .allocate(capacity: n)
        numbers.initialize(repeating: 0)
        for (i, r) in requests.enumerated() { numbers[i] = r.number ?? 0 }
        commands = .allocate(capacity: n)
        commands.initialize(repeating: hmm_dmirror_cmd(addr: 0, ptr: 0, npages: 0, cpages: 0, faults: 0))
        replies = .allocate(capacity: n)
        replies.initialize(repeating: MirrorReply())
    }

    deinit {
        numbers.deallocate()
        commands.deallocate()
        replies.deallocate()
    }

    /// Makes every call over `pages` pages from `address` with `buffer` as
    /// `ptr`, stopping at the first failure (see `failure`), then `step`
    /// (a CPU step inside the same window: the window is then Swift's);
    /// returns the window's nanoseconds.
    public func run(address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?, then step: (() -> Void)? = nil) -> UInt64 {
        let count = requests.count
        guard step == nil, let kernel, let c = commands.baseAddress, let nr = numbers.baseAddress else {
            return runInSwift(address: address, pages: pages, buffer: buffer, then: step)
        }
        let ptr = UInt64(UInt(bitPattern: buffer))
        for i in 0..<count {
            c[i] = hmm_dmirror_cmd(addr: UInt64(address), ptr: ptr, npages: UInt64(pages), cpages: 0, faults: 0)
        }
        var ns: UInt64 = 0
        var failed: Int32 = -1
        let r = hmmb_dmirror_timed(kernel.fd, nr, c, Int32(count), &ns, &failed)
        issued = failed >= 0 ? Int(failed) + 1 : count
        for i in 0..<issued {
            replies[i] = MirrorReply(cpages: c[i].cpages, faults: c[i].faults, errno: i == Int(failed) ? -r : 0)
        }
        return ns
    }

    private func runInSwift(address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?, then step: (() -> Void)? = nil) -> UInt64 {
        issued = 0
        let device = self.device, requests = self.requests, replies = self.replies
        var made = 0
        let ns = Clock.measure {
            for request in requests {
                let reply = device.perform(request, address: address, pages: pages, buffer: buffer)
                replies[made] = reply
                made += 1
                if !reply.succeeded { return }
            }
            step?()
        }.ns
        issued = made
        return ns
    }

    /// Times up to `samples.count` repetitions of this window's one call
    /// (`requests.count == 1`) into `samples`, each in its own window, in
    /// one loop; before each repetition `stop` is asked whether to end
    /// early. On the real driver the loop is `hmmb_dmirror_timed_loop` in C,
    /// which asks the interrupt flag itself (what `stop` is in a run). A
    /// failed call ends the loop (see `failure`). Returns the repetitions
    /// timed.
    public func runLoop(address: UInt, pages: Int, buffer: UnsafeMutableRawPointer?,
                        into samples: UnsafeMutableBufferPointer<UInt64>, stop: () -> Bool) -> Int {
        precondition(requests.count == 1, "a repetition loop makes one call")
        guard let kernel, let c = commands.baseAddress, let out = samples.baseAddress else {
            var done = 0
            issued = 0
            while done < samples.count, !stop() {
                let ns = runInSwift(address: address, pages: pages, buffer: buffer)
                if failure != nil { break }
                samples[done] = ns
                done += 1
            }
            return done
        }
        var template = hmm_dmirror_cmd(addr: UInt64(address), ptr: UInt64(UInt(bitPattern: buffer)),
                                       npages: UInt64(pages), cpages: 0, faults: 0)
        var done: Int32 = 0
        let r = hmmb_dmirror_timed_loop(kernel.fd, numbers[0], &template, c, Int32(samples.count), out, &done)
        issued = 1
        replies[0] = MirrorReply(cpages: c[0].cpages, faults: c[0].faults, errno: r < 0 ? -r : 0)
        if r >= 0 && done == 0 { issued = 0 }
        return Int(done)
    }

    /// The reply of call `index` of the last run (`index < issued`).
    public func reply(_ index: Int) -> MirrorReply { replies[index] }

    /// The failed call's index and reply in the last run, if one failed.
    public var failure: (index: Int, reply: MirrorReply)? {
        guard issued > 0, !replies[issued - 1].succeeded else { return nil }
        return (issued - 1, replies[issued - 1])
    }
}
