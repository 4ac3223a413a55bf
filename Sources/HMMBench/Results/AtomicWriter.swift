import CShims
import Foundation

/// Writes files so that a reader sees the old content or the new, never a
/// torn mix: write `PATH.tmp.PID` in the same directory, fsync it, rename
/// it over `PATH`, fsync the directory. Used for every result, report and
/// plot hmmbench writes. Calls a signal interrupts are retried, and while
/// the temporary file exists it is registered with the interrupt handler,
/// which removes it when a second Ctrl-C ends the process at once.
public enum AtomicWriter {
    /// Writes `data` to `path` atomically. Throws a `.system` error naming
    /// the step and the path; the temporary file is removed on failure.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let tmp = temporaryPath(for: path)
        _ = hmmb_set_pending_file(tmp)
        defer { hmmb_clear_pending_file() }
        let fd = retryOnEINTR { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        guard fd >= 0 else {
            throw HMMBenchError.system("create \(tmp)", errno: errno,
                                       hint: "check that the directory exists and is writable")
        }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        do {
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var off = 0
                while off < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw HMMBenchError.system("write \(tmp)", errno: errno)
                    }
                    off += n
                }
            }
            guard retryOnEINTR({ fsync(fd) }) == 0 else { throw HMMBenchError.system("fsync \(tmp)", errno: errno) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw HMMBenchError.system("close \(tmp)", errno: errno) }
        guard rename(tmp, path) == 0 else { throw HMMBenchError.system("rename \(tmp) to \(path)", errno: errno) }
        ok = true
        // Make the rename itself durable; failure here loses nothing the
        // caller can act on, so it is not an error.
        let dfd = retryOnEINTR { open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if dfd >= 0 {
            _ = retryOnEINTR { fsync(dfd) }
            close(dfd)
        }
    }

    /// Checks, before any work, that `write(_:to:)` can later replace
    /// `path`: its directory exists, a file can be created in it, and
    /// `path` is not a directory or a device. Throws a usage error naming
    /// the path and why (exit 2), so a run never measures for minutes and
    /// then fails to save.
    public static func checkWritable(_ path: String) throws {
        let dir = directory(of: path)
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            let what = (st.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw HMMBenchError.usage("cannot write \(path): it is \(what)", hint: "give a file name, e.g. \(dir)/run.json")
        }
        guard stat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw HMMBenchError.usage("cannot write \(path): directory \(dir) does not exist", hint: "create it first (mkdir -p \(dir))")
        }
        // Creating the temporary name is what write() will do: try it.
        let probe = temporaryPath(for: path)
        let fd = retryOnEINTR { open(probe, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            let e = errno
            throw HMMBenchError.usage("cannot write \(path): cannot create a file in \(dir): \(Errno.describe(e))",
                                      hint: "choose a writable place with --out")
        }
        close(fd)
        unlink(probe)
    }

    /// Calls `call` again while it fails with EINTR (a signal arrived).
    static func retryOnEINTR(_ call: () -> Int32) -> Int32 {
        var r: Int32
        repeat { r = call() } while r < 0 && errno == EINTR
        return r
    }

    /// Writes `text` as UTF-8.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Encodes `value` the way hmmbench writes JSON (`JSONOutput`: sorted
    /// keys, pretty) plus a final newline, and writes it atomically.
    public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        var data: Data
        do {
            data = try JSONOutput.data(value)
        } catch {
            throw HMMBenchError(.data, "\(path): cannot encode JSON: \(error)")
        }
        data.append(0x0A)
        try write(data, to: path)
    }

    /// `PATH.tmp.PID`: same directory (rename(2) cannot cross file
    /// systems), unique per process.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp.\(getpid())"
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
