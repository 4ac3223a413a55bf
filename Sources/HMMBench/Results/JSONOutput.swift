import Foundation

/// JSON encoding as hmmbench writes it everywhere: sorted keys, pretty,
/// no escaped slashes, so files diff well and read well.
public enum JSONOutput {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static func data<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }

    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try data(value), as: UTF8.self)
    }
}
