import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

@Suite("RunReader and AtomicWriter")
struct RunReaderTests {
    typealias F = ReportFixtures

    /// The message of the `.data` error `load` throws; checks it is one line
    /// naming the file.
    func loadError(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            _ = try RunReader.load(path)
            Issue.record("expected an error loading \(path)", sourceLocation: sourceLocation)
            return ""
        } catch let e as HMMBenchError {
            #expect(e.kind == .data && e.exitCode == 2, sourceLocation: sourceLocation)
            #expect(!e.message.contains("\n"), sourceLocation: sourceLocation)
            #expect(e.message.hasPrefix(path + ": "), sourceLocation: sourceLocation)
            return e.message
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            return ""
        }
    }

    @Test func roundTrip() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rec = F.record(F.sweep(), skipped: [SkippedFlow(flow: "x", params: [:], reason: "because")])
        let path = F.write(rec, "run.json", in: dir)
        let loaded = try RunReader.load(path)
        #expect(loaded.record == rec)
        #expect(loaded.name == "run.json")
    }

    /// Schema 1 files are still read: integer samples become floats, and
    /// the failures version 1 recorded as "failed: ..." skips are read as
    /// failures, never as skips.
    @Test func readsVersionOneAndTurnsItsFailedSkipsIntoFailures() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var obj = try #require(try JSONSerialization.jsonObject(with: JSONOutput.data(F.record([F.result(meanNs: 1e6, n: 3)])))
            as? [String: Any])
        obj["schema_version"] = 1
        obj.removeValue(forKey: "failed")
        var results = try #require(obj["results"] as? [[String: Any]])
        results[0]["samples_ns"] = [999_000, 1_000_000, 1_001_000]
        results[0].removeValue(forKey: "ops_per_sample")
        obj["results"] = results
        obj["skipped"] = [["flow": "numa-move-pages", "params": ["size": "32M"], "reason": "failed: move_pages: EBUSY"],
                          ["flow": "cross-device", "params": [:], "reason": "no /dev/hmm_dmirror1"]]
        let path = F.write(text: String(decoding: try JSONSerialization.data(withJSONObject: obj), as: UTF8.self), "v1.json", in: dir)
        let rec = try RunReader.load(path).record
        #expect(rec.results[0].samplesNs == [999_000, 1_000_000, 1_001_000])
        #expect(rec.results[0].opsPerSample == 1)
        #expect(rec.failed.map(\.flow) == ["numa-move-pages"])
        #expect(rec.failed.first?.reason == "move_pages: EBUSY")
        #expect(rec.skipped.map(\.flow) == ["cross-device"])
    }

    /// A version 2 file must have `failed`: a file that lost it is not
    /// silently read as "nothing failed".
    @Test func versionTwoWithoutFailedIsRejected() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var obj = try #require(try JSONSerialization.jsonObject(with: JSONOutput.data(F.record([F.result(meanNs: 1e6, n: 3)])))
            as? [String: Any])
        obj.removeValue(forKey: "failed")
        let path = F.write(text: String(decoding: try JSONSerialization.data(withJSONObject: obj), as: UTF8.self), "v2.json", in: dir)
        #expect(loadError(path).contains("missing field failed"))
    }

    static let goodJSON: String = {
        String(decoding: try! JSONOutput.data(F.record([F.result(meanNs: 1e6, n: 3)])), as: UTF8.self)
    }()

    @Test func badFiles() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(loadError(dir + "/missing.json").contains("no such file"))
        #expect(loadError(F.write(text: "", "empty.json", in: dir)).contains("empty"))
        #expect(loadError(F.write(text: "  \n", "blank.json", in: dir)).contains("empty"))
        let truncated = String(Self.goodJSON.prefix(Self.goodJSON.count / 2))
        #expect(loadError(F.write(text: truncated, "trunc.json", in: dir)).contains("truncated"))
        #expect(loadError(F.write(text: "hmmbench results\n1 2 3\n", "text.json", in: dir)).contains("not JSON"))
        #expect(loadError(F.write(text: "[1, 2]", "array.json", in: dir)).contains("not an hmmbench run record"))
        #expect(loadError(F.write(text: "{\"results\": []}", "noversion.json", in: dir)).contains("no schema_version"))
        #expect(loadError(F.write(text: "{\"schema_version\": 99, \"tool\": \"hmmbench\"}", "future.json", in: dir))
                    .contains("unknown schema_version 99"))
        #expect(loadError(F.write(text: "{\"schema_version\": \"1\"}", "strversion.json", in: dir)).contains("not an integer"))
        #expect(loadError(F.write(text: "{\"schema_version\": 1, \"tool\": \"fio\"}", "fio.json", in: dir)).contains("'fio'"))
        #expect(loadError(dir).contains("directory"))
    }

    @Test func badFields() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A required field missing.
        let noEnv = Self.goodJSON.replacingOccurrences(of: "\"environment\"", with: "\"environmentX\"")
        #expect(loadError(F.write(text: noEnv, "noenv.json", in: dir)).contains("missing field environment"))
        // A field of the wrong type, deep inside.
        let badSamples = try edit(Self.goodJSON) { root in
            var results = root["results"] as! [[String: Any]]
            results[0]["samples_ns"] = "fast"
            root["results"] = results
        }
        #expect(loadError(F.write(text: badSamples, "types.json", in: dir)).contains("results[0].samples_ns"))
        // Stored summary disagreeing with the samples.
        let badN = try edit(Self.goodJSON) { root in
            var results = root["results"] as! [[String: Any]]
            var stats = results[0]["stats"] as! [String: Any]
            stats["n"] = 7
            results[0]["stats"] = stats
            root["results"] = results
        }
        #expect(loadError(F.write(text: badN, "n.json", in: dir)).contains("stats.n is 7 but there are 3 samples"))
    }

    /// The samples are the source of truth: a stored summary that does
    /// not match them (an older hmmbench, a hand edit) is replaced on
    /// reading by the one `FlowResult.summaries` computes.
    @Test func summariesAreRecomputedFromTheSamplesOnReading() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let res = F.result(meanNs: 1_000_000, spread: 0.05, n: 8)
        let json = try JSONOutput.string(F.record([res]))
        let edited = try edit(json) { root in
            var results = root["results"] as! [[String: Any]]
            var stats = results[0]["stats"] as! [String: Any]
            stats["mean"] = 1.0
            stats["median"] = 2.0
            results[0]["stats"] = stats
            var tp = results[0]["throughput"] as! [String: Any]
            var gib = tp["gib_per_s"] as! [String: Any]
            gib["median"] = 99.0
            tp["gib_per_s"] = gib
            results[0]["throughput"] = tp
            root["results"] = results
        }
        let loaded = try RunReader.load(F.write(text: edited, "edited.json", in: dir))
        let r = try #require(loaded.record.results.first)
        #expect(r.stats == Statistics.summarize(res.samplesNs))
        #expect(r.stats.mean != 1 && r.stats.median != 2)
        #expect(r.throughput == res.throughput)
    }

    func edit(_ json: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        var root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        change(&root)
        return String(decoding: try JSONSerialization.data(withJSONObject: root), as: UTF8.self)
    }

    @Test func incompleteRunsLoad() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = F.write(F.record([F.result(meanNs: 1e6)], complete: false), "partial.json", in: dir)
        #expect(try RunReader.load(path).record.complete == false)
    }

    @Test func atomicWriterReplacesAndLeavesNoTemporary() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.txt"
        try AtomicWriter.write("first\n", to: path)
        try AtomicWriter.write("second\n", to: path)
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
        #expect(AtomicWriter.temporaryPath(for: path) == path + ".tmp.\(getpid())")
        #expect(AtomicWriter.directory(of: "a.json") == ".")
        #expect(AtomicWriter.directory(of: "/a.json") == "/")
        #expect(AtomicWriter.directory(of: "x/y/a.json") == "x/y")
    }

    @Test func atomicWriterFailsCleanly() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try AtomicWriter.write("x", to: dir + "/no/such/dir/out.json")
            Issue.record("expected a failure")
        } catch let e as HMMBenchError {
            #expect(e.kind == .system && e.errno == ENOENT)
            #expect(e.message.contains("out.json.tmp."))
        }
        // Renaming over a directory fails after the temporary was written:
        // the temporary must be gone.
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir + "/sub/inner", withIntermediateDirectories: false)
        #expect(throws: HMMBenchError.self) { try AtomicWriter.write("x", to: dir + "/sub") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["sub"])
    }

    /// `run --out` is checked before anything is measured: a place that
    /// cannot take the file is bad input (exit 2), not a failed kernel call
    /// after minutes of work, and the check leaves nothing behind.
    @Test func checkWritableRefusesUpFrontAndLeavesNothing() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func usage(_ path: String) -> String {
            do {
                try AtomicWriter.checkWritable(path)
                Issue.record("expected \(path) to be refused")
            } catch let e as HMMBenchError {
                #expect(e.kind == .usage && e.exitCode == 2)
                return e.message
            } catch { Issue.record("\(error)") }
            return ""
        }
        #expect(usage(dir + "/no/such/out.json") == "cannot write \(dir)/no/such/out.json: directory \(dir)/no/such does not exist")
        #expect(usage(dir).contains("it is a directory"))
        #expect(usage("/dev/null").contains("not a regular file"))
        // /proc refuses new files even to root.
        #expect(usage("/proc/hmmbench-out.json").contains("cannot create a file in /proc"))
        try AtomicWriter.checkWritable(dir + "/fine.json")
        try "kept\n".write(toFile: dir + "/existing.json", atomically: true, encoding: .utf8)
        try AtomicWriter.checkWritable(dir + "/existing.json")
        #expect(try String(contentsOfFile: dir + "/existing.json", encoding: .utf8) == "kept\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["existing.json"])
    }

    /// A field of the wrong type names the field and the type expected,
    /// never "not JSON"; a version 1 file with float samples is fine.
    @Test func aFieldOfTheWrongTypeSaysWhichAndWhatItShouldBe() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let badComplete = try edit(Self.goodJSON) { $0["complete"] = "yes" }
        let m = loadError(F.write(text: badComplete, "complete.json", in: dir))
        #expect(m.hasSuffix("field complete: expected true or false"), "\(m)")
        let badSample = try edit(Self.goodJSON) { root in
            var results = root["results"] as! [[String: Any]]
            results[0]["samples_ns"] = [1.5, "slow", 2.5]
            root["results"] = results
        }
        let s = loadError(F.write(text: badSample, "sample.json", in: dir))
        #expect(s.hasSuffix("field results[0].samples_ns[1]: expected a number"), "\(s)")
        #expect(!s.contains("JSON"))
        let v1Floats = try edit(Self.goodJSON) { root in
            root["schema_version"] = 1
            var results = root["results"] as! [[String: Any]]
            results[0]["samples_ns"] = [999_000.25, 1_000_000.5, 1_001_000.75]
            root["results"] = results
        }
        #expect(try RunReader.load(F.write(text: v1Floats, "v1floats.json", in: dir)).record.results[0].samplesNs
                    == [999_000.25, 1_000_000.5, 1_001_000.75])
    }
}
