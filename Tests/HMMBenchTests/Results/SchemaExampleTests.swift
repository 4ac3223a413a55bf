import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// bench/SCHEMA.md's examples are read by the current reader: every
/// ```json block parses with `RunReader`, there is one for every schema
/// version this build reads, and the current version's example holds
/// every field a written record has.
struct SchemaExampleTests {
    static let schemaPath = TestFiles.inRepo("bench/SCHEMA.md")

    /// The text of each ```json ... ``` block, in order.
    static func jsonBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = [], current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```json" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    @Test func theBlockFinderFindsEachBlock() {
        let md = "text\n```json\n{\"a\": 1}\n```\n```\nnot json\n```\n```json\n[2]\n```\n"
        #expect(Self.jsonBlocks(md) == ["{\"a\": 1}", "[2]"])
    }

    @Test func everyExampleParsesWithTheCurrentReader() throws {
        let text = try String(contentsOfFile: Self.schemaPath, encoding: .utf8)
        let blocks = Self.jsonBlocks(text)
        try #require(!blocks.isEmpty, "bench/SCHEMA.md has no json example")
        var versions: Set<Int> = []
        for (i, block) in blocks.enumerated() {
            let record = try RunReader.decode(Data(block.utf8), path: "SCHEMA.md example \(i + 1)")
            versions.insert(record.schemaVersion)
            #expect(!record.results.isEmpty && !record.failed.isEmpty && !record.skipped.isEmpty,
                    "example \(i + 1) should show a result, a failure and a skip")
        }
        #expect(versions == Set(RunRecord.readableSchemaVersions), "examples cover versions \(versions.sorted())")
    }

    /// The current version's example is complete: the same fields, at the
    /// top, in a result and in the environment, as the record written back.
    @Test func theCurrentExampleHasEveryFieldARecordWrites() throws {
        let text = try String(contentsOfFile: Self.schemaPath, encoding: .utf8)
        let block = try #require(Self.jsonBlocks(text).first { $0.contains("\"schema_version\": \(RunRecord.currentSchemaVersion)") })
        let record = try RunReader.decode(Data(block.utf8), path: "SCHEMA.md")
        func object(_ data: Data) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let shown = try object(Data(block.utf8))
        let written = try object(Data(try JSONOutput.string(record).utf8))
        #expect(Set(shown.keys) == Set(written.keys))
        for key in ["environment"] {
            let a = try #require(shown[key] as? [String: Any]), b = try #require(written[key] as? [String: Any])
            #expect(Set(a.keys) == Set(b.keys), "\(key)")
        }
        let a = try #require((shown["results"] as? [[String: Any]])?.first)
        let b = try #require((written["results"] as? [[String: Any]])?.first)
        #expect(Set(a.keys) == Set(b.keys), "results[0]")
    }
}
