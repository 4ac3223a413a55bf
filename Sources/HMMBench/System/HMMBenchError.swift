import Foundation

/// Every failure hmmbench reports to a user: one line of reason, an optional
/// hint, the errno when the kernel gave one, and the exit code the CLI uses.
public struct HMMBenchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, in the terms the CLI chooses an exit code by.
    public enum Kind: String, Sendable {
        /// The user asked for something invalid (sizes, nodes, names).
        case usage
        /// The environment lacks something (device, module, permission).
        case environment
        /// A kernel call failed.
        case system
        /// A result file is missing, malformed or mismatched.
        case data
        /// The run was interrupted (Ctrl-C).
        case interrupted
    }

    public var kind: Kind
    /// One line: what failed.
    public var message: String
    /// What the user can do about it, when there is something.
    public var hint: String?
    /// The errno the kernel returned, when there was one.
    public var errno: Int32?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, errno: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.errno = errno
    }

    public var description: String {
        var s = message
        if let hint { s += " (hint: \(hint))" }
        return s
    }

    /// Exit code: 2 for usage and data errors (scripts can tell them from a
    /// regression gate's 1), 3 for a missing environment, 4 for a failed
    /// kernel call, 130 for an interrupt.
    public var exitCode: Int32 {
        switch kind {
        case .usage, .data: return 2
        case .environment: return 3
        case .system: return 4
        case .interrupted: return 130
        }
    }

    /// A failed system call, with the kernel's words for the errno.
    public static func system(_ operation: String, errno: Int32, hint: String? = nil) -> HMMBenchError {
        HMMBenchError(.system, "\(operation): \(Errno.describe(errno))", hint: hint, errno: errno)
    }

    public static func usage(_ message: String, hint: String? = nil) -> HMMBenchError {
        HMMBenchError(.usage, message, hint: hint)
    }
}

/// Names and descriptions of errno values, as a kernel developer writes
/// them. Kept rather than swift-system's `Errno`: records and messages
/// need the symbolic name ("EFAULT", `errno_name` in the schema), which
/// swift-system does not give (its description is strerror's text), and
/// the rest of our descriptor handling is a few ioctl/mmap calls through
/// CShims where `FileDescriptor` would add a dependency to wrap `close`.
public enum Errno {
    /// Symbolic names for the errno values the driver and NUMA calls return.
    public static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO",
        ENXIO: "ENXIO", E2BIG: "E2BIG", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
        EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV",
        ENOTTY: "ENOTTY", EINVAL: "EINVAL", ENOSPC: "ENOSPC", ERANGE: "ERANGE",
        ENOSYS: "ENOSYS", EOPNOTSUPP: "EOPNOTSUPP",
    ]

    /// "EINVAL" (or "errno 123" for one we do not name).
    public static func name(_ code: Int32) -> String {
        names[code] ?? "errno \(code)"
    }

    /// "EINVAL (Invalid argument)".
    public static func describe(_ code: Int32) -> String {
        "\(name(code)) (\(String(cString: strerror(code))))"
    }

    /// Parses "EINVAL" or a decimal number; nil otherwise.
    public static func code(named name: String) -> Int32? {
        if let n = Int32(name) { return n }
        return names.first(where: { $0.value == name })?.key
    }
}
