/// Kernel function names as `available_filter_functions` lists them:
/// compiler clones carry suffixes (`.constprop.0`, `.isra.0`, `.part.0`,
/// `.cold`), module functions a ` [module]` tag. A phase matches every
/// clone of its function.
public enum KernelFunctionNames {
    /// Clone suffixes the compiler adds to a function's name.
    static let cloneSuffixes = ["constprop", "isra", "part", "cold", "lto_priv", "llvm"]

    /// `name` without its module tag and clone suffixes
    /// ("dmirror_do_read.isra.0 [test_hmm]" -> "dmirror_do_read").
    public static func base(_ name: String) -> String {
        var s = Substring(name)
        if let space = s.firstIndex(of: " ") { s = s[..<space] }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard let first = parts.first else { return String(s) }
        var i = 1
        var kept = [first]
        while i < parts.count {
            let p = parts[i]
            if cloneSuffixes.contains(String(p)) {
                i += 1
                if i < parts.count, parts[i].allSatisfy(\.isNumber) { i += 1 }
                continue
            }
            // Not a clone suffix: part of the name after all.
            kept.append(p)
            i += 1
        }
        return kept.joined(separator: ".")
    }

    /// The function names of an `available_filter_functions` text, one a
    /// line, module tag dropped (order kept, duplicates kept once).
    public static func available(_ text: String) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            guard let token = line.split(separator: " ", omittingEmptySubsequences: true).first else { continue }
            let name = String(token)
            if seen.insert(name).inserted { out.append(name) }
        }
        return out
    }
}
