import Foundation

/// A kernel release string ("6.1.0-27-amd64") with its numeric version.
public struct KernelRelease: Equatable, Comparable, Sendable, CustomStringConvertible {
    public var string: String
    public var major: Int
    public var minor: Int
    public var patch: Int

    /// Parses the leading "MAJOR.MINOR[.PATCH]" of a release; distro and
    /// -rc suffixes are ignored ("6.18.44-rc1+" is 6.18.44). Nil when the
    /// string does not start with two numbers.
    public init?(_ string: String) {
        self.string = string
        var numbers: [Int] = []
        var current = ""
        for ch in string {
            if ch.isASCII, ch.isNumber {
                current.append(ch)
            } else if ch == ".", !current.isEmpty, numbers.count < 2 {
                numbers.append(Int(current)!)
                current = ""
            } else {
                break
            }
        }
        if !current.isEmpty { numbers.append(Int(current)!) }
        guard numbers.count >= 2 else { return nil }
        major = numbers[0]
        minor = numbers[1]
        patch = numbers.count > 2 ? numbers[2] : 0
    }

    public var description: String { string }

    public static func < (a: KernelRelease, b: KernelRelease) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    /// Whether this release is at least MAJOR.MINOR.
    public func atLeast(_ major: Int, _ minor: Int) -> Bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// The running kernel's release (uname -r) and version (uname -v).
    public static func running() -> (release: String, version: String) {
        var u = utsname()
        uname(&u)
        func field<T>(_ value: inout T) -> String {
            withUnsafePointer(to: &value) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout<T>.size) { String(cString: $0) }
            }
        }
        return (field(&u.release), field(&u.version))
    }
}
