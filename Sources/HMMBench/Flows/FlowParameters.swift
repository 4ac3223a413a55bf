/// Parameter values of one flow instance, with typed accessors that turn
/// bad values into one-line usage errors naming the flow and parameter.
public struct FlowParameters: Equatable, Sendable {
    public var flow: String
    public var values: [String: String]

    public init(flow: String, values: [String: String]) {
        self.flow = flow
        self.values = values
    }

    func raw(_ name: String) throws -> String {
        guard let v = values[name] else { throw HMMBenchError.usage("\(flow): missing parameter '\(name)'") }
        return v
    }

    func bad(_ name: String, _ value: String, _ why: String) -> HMMBenchError {
        HMMBenchError.usage("\(flow): \(name)=\(value) \(why)")
    }

    /// A size in bytes ("2M"), validated against `unit` and memory.
    public func size(_ name: String = "size", unit: Int = PageSize.base) throws -> Int {
        let v = try raw(name)
        let bytes: Int
        do { bytes = try PageSize.parse(v) } catch let e as HMMBenchError {
            throw HMMBenchError.usage("\(flow): \(name)=\(v): \(e.message)", hint: e.hint)
        }
        do { try PageSize.validate(bytes: bytes, unit: unit, what: "\(name)") } catch let e as HMMBenchError {
            throw HMMBenchError.usage("\(flow): \(e.message)", hint: e.hint)
        }
        return bytes
    }

    public func int(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        let v = try raw(name)
        guard let n = Int(v) else { throw bad(name, v, "is not a whole number") }
        guard range.contains(n) else { throw bad(name, v, "is out of range \(range.lowerBound)...\(range.upperBound)") }
        return n
    }

    public func choice<T: RawRepresentable>(_ name: String, _ type: T.Type, allowed: [T]? = nil) throws -> T
    where T.RawValue == String, T: CaseIterable {
        let v = try raw(name)
        let options = allowed ?? Array(T.allCases)
        guard let c = T(rawValue: v), options.contains(where: { $0.rawValue == c.rawValue }) else {
            throw bad(name, v, "is not one of \(options.map(\.rawValue).joined(separator: ", "))")
        }
        return c
    }

    public func bool(_ name: String) throws -> Bool {
        let v = try raw(name)
        switch v {
        case "yes", "true", "1", "on": return true
        case "no", "false", "0", "off": return false
        default: throw bad(name, v, "is not yes or no")
        }
    }

    /// Parameters that name a NUMA node; `RunPlan` checks each against the
    /// topology before the run starts.
    public static let nodeParameterNames = ["from", "to"]

    /// Why this combination of values can never be valid, on any box, or
    /// nil: a size that is not a multiple of the mapping's huge page, a
    /// move whose source and target node are the same. A suite leaves such
    /// combinations out of its expansion; `--flow` refuses them. Values
    /// that are bad on their own (size=0, mapping=weird) are not judged
    /// here: `validateCommon` reports them.
    public func impossibility() -> String? {
        if let text = values["size"], let bytes = try? PageSize.parse(text), bytes > 0, bytes % PageSize.base == 0,
           let mapping = values["mapping"], let kind = MappingKind(rawValue: mapping), kind.granule > PageSize.base,
           bytes % kind.granule != 0 {
            return "size=\(text) is not a multiple of \(PageSize.format(bytes: kind.granule)), the huge page of mapping=\(mapping)"
        }
        if let from = values["from"], let to = values["to"], let f = Int(from), f == Int(to) {
            return "from=\(from) and to=\(to) are the same node: nothing would move"
        }
        return nil
    }

    /// Checks, before anything is mapped, the parameters most flows share:
    /// the size against the mapping's granule and this box's memory, and
    /// the ranges of the numeric ones. `RunPlan` checks nodes and reader
    /// threads against the box; flows check the rest (devices) when built.
    public func validateCommon() throws {
        if values["size"] != nil {
            let granule = values["mapping"].flatMap(MappingKind.init(rawValue:))?.granule ?? PageSize.base
            _ = try size("size", unit: granule)
        }
        let ranges: [(String, ClosedRange<Int>)] = [("present", 0...100), ("batch", 1...1_048_576), ("threads", 0...256),
                                                    ("from", 0...1023), ("to", 0...1023)]
        for (name, range) in ranges where values[name] != nil { _ = try int(name, in: range) }
    }
}
