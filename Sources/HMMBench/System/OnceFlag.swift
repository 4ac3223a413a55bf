import Foundation

/// A process-wide flag that is set once and never cleared, safe to read and
/// set from any thread (e.g. "this process has opened a dmirror device").
public final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    public init() {}

    public func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    public func load() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
