import Foundation

/// Runs a helper program and collects its output, without Foundation's
/// `Process`: that needs a CFRunLoop, which traps in the test-bed guest
/// (its tinyconfig kernel lacks what CFRunLoopCreate asks for: on Linux
/// a run loop is built on eventfd and timerfd, and tinyconfig turns off
/// CONFIG_EVENTFD and CONFIG_TIMERFD; bench/vm/config/hmm.fragment does not
/// turn them back on).
///
/// Why not swift-subprocess (swiftlang/swift-subprocess 1.0.2), checked
/// for this: its Linux process monitor creates its shutdown descriptor
/// with eventfd(2) before it waits for any child
/// (Platforms/Subprocess+Linux.swift, the monitor thread set-up), and
/// falls back to signalfd(2) where pidfd is missing, so in the guest every
/// run would fail with `failedToMonitor` (ENOSYS), as Foundation's does.
/// Its API is also async only, while our two callers (kernel config
/// reading, the overhead comparison) are synchronous and run outside any
/// task. posix_spawn and poll(2) need neither, so we keep these 80 lines.
public enum Subprocess {
    /// Exit status (or the signal number when `signaled`), stdout, stderr.
    public struct Result: Sendable {
        public var status: Int32
        public var signaled: Bool
        public var stdout: Data
        public var stderr: String
    }

    /// Runs `path` with `args`; returns the exit status (or the signal),
    /// stdout and stderr. Both pipes are drained with poll(2) so a chatty
    /// child cannot block. A program that cannot start is an
    /// `.environment` error carrying posix_spawn's errno.
    public static func run(_ path: String, _ args: [String]) throws -> Result {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { throw HMMBenchError.system("pipe", errno: errno) }
        guard pipe(&errPipe) == 0 else {
            let e = errno
            close(outPipe[0]); close(outPipe[1])
            throw HMMBenchError.system("pipe", errno: e)
        }
        // pipe2 is not imported (_GNU_SOURCE); nothing else spawns meanwhile.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on 1 and 2; the originals close at exec.
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        // ETXTBSY: a file just written may still be open for writing in a
        // child some other thread is forking; it passes within moments.
        for _ in 0..<20 where rc == ETXTBSY {
            usleep(20_000)
            rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        }
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw HMMBenchError(.environment, "cannot start \(path): \(Errno.describe(rc))", errno: rc)
        }
        var out = Data(), err = Data()
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
                   pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if i == 0 { out.append(contentsOf: buffer[0..<n]) } else { err.append(contentsOf: buffer[0..<n]) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                }
            }
        }
        for f in fds where f.fd >= 0 { close(f.fd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw HMMBenchError.system("waitpid for \(path)", errno: errno) }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let signal = status & 0x7F
        if signal == 0 { return Result(status: (status >> 8) & 0xFF, signaled: false, stdout: out, stderr: String(decoding: err, as: UTF8.self)) }
        return Result(status: signal, signaled: true, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }
}
