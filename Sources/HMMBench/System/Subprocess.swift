import Foundation
import CShims

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
        let child = try spawn(path, args, input: false)
        return try child.collect()
    }

    /// Starts `path` with `args` and pipes to its stdin, stdout and stderr
    /// (stdin from /dev/null unless `input`). A program that cannot start
    /// is an `.environment` error carrying posix_spawn's errno.
    public static func spawn(_ path: String, _ args: [String], input: Bool) throws -> Child {
        var pipes: [[Int32]] = []
        defer { for p in pipes { for fd in p where fd >= 0 { close(fd) } } }
        for _ in 0..<(input ? 3 : 2) {
            var p: [Int32] = [-1, -1]
            guard pipe(&p) == 0 else { throw HMMBenchError.system("pipe", errno: errno) }
            // pipe2 is not imported (_GNU_SOURCE); nothing else spawns meanwhile.
            for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(p)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on 0, 1 and 2; the originals close at exec.
        posix_spawn_file_actions_adddup2(&actions, pipes[0][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 2)
        if input {
            posix_spawn_file_actions_adddup2(&actions, pipes[2][0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
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
        guard rc == 0 else {
            throw HMMBenchError(.environment, "cannot start \(path): \(Errno.describe(rc))", errno: rc)
        }
        let child = Child(pid: pid, path: path, stdout: pipes[0][0], stderr: pipes[1][0], stdin: input ? pipes[2][1] : -1)
        pipes[0][0] = -1
        pipes[1][0] = -1
        if input { pipes[2][1] = -1 }
        return child
    }

    /// A started program: its pid and our ends of its pipes.
    public final class Child {
        public let pid: pid_t
        let path: String
        private var stdout: Int32, stderr: Int32, stdin: Int32
        /// Bytes read from stdout after the last line `readLine` returned.
        private var pending = Data()
        private var reaped: Result?

        init(pid: pid_t, path: String, stdout: Int32, stderr: Int32, stdin: Int32) {
            self.pid = pid
            self.path = path
            self.stdout = stdout
            self.stderr = stderr
            self.stdin = stdin
        }

        deinit {
            if reaped == nil { _ = try? finish(kill: true) }
        }

        /// Writes `line` and a newline to the program's stdin. False when
        /// the program no longer reads (it exited: EPIPE).
        public func writeLine(_ line: String) -> Bool {
            guard stdin >= 0 else { return false }
            let bytes = Array((line + "\n").utf8)
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { hmmb_write_nosigpipe(stdin, $0.baseAddress, UInt($0.count)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                off += n
            }
            return true
        }

        /// The next line of the program's stdout, without its newline; nil
        /// at end of output (the program exited or closed it).
        public func readLine() -> Data? {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                if let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[pending.startIndex..<nl]
                    pending = Data(pending[(nl + 1)...])
                    return Data(line)
                }
                guard stdout >= 0 else { return nil }
                let n = buffer.withUnsafeMutableBytes { read(stdout, $0.baseAddress, $0.count) }
                if n > 0 {
                    pending.append(contentsOf: buffer[0..<n])
                } else if n == 0 || errno != EINTR {
                    return nil
                }
            }
        }

        /// Closes stdin, reads what is left of stdout and stderr, waits for
        /// the program (killing it first when `kill`) and returns its exit
        /// status, stdout (what `readLine` did not return) and stderr.
        @discardableResult
        public func finish(kill: Bool = false) throws -> Result {
            if kill, reaped == nil { Glibc.kill(pid, SIGKILL) }
            return try collect()
        }

        /// Drains stdout and stderr with poll(2) until both close, then waits.
        func collect() throws -> Result {
            if let reaped { return reaped }
            var out = pending, err = Data()
            pending = Data()
            var fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
            stdout = -1
            stderr = -1
            if stdin >= 0 { close(stdin); stdin = -1 }
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
            let text = String(decoding: err, as: UTF8.self)
            let r = signal == 0 ? Result(status: (status >> 8) & 0xFF, signaled: false, stdout: out, stderr: text)
                : Result(status: signal, signaled: true, stdout: out, stderr: text)
            reaped = r
            return r
        }
    }
}
