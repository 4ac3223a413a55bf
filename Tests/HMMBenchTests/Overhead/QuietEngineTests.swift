import Foundation
import Testing
@testable import HMMBench
import HMMBenchTestSupport

/// The engine's hot path: counters read into preallocated buffers, the
/// measuring thread pinned by default and put back afterwards.
struct QuietEngineTests {
    static let vmstat = "nr_free_pages 100\npgfault 10\npgmigrate_success 5\nnuma_hit 7\nthp_fault_alloc 1\n"
    static let interrupts = """
                   CPU0       CPU1
          0:         40          0   IO-APIC   2-edge      timer
        TLB:         11         12   TLB shootdowns
        RES:          3          4   Rescheduling interrupts

        """

    static func files(_ vm: String, _ irq: String) throws -> (String, String, String) {
        let dir = ReportFixtures.tempDir()
        try vm.write(toFile: dir + "/vmstat", atomically: true, encoding: .utf8)
        try irq.write(toFile: dir + "/interrupts", atomically: true, encoding: .utf8)
        return (dir, dir + "/vmstat", dir + "/interrupts")
    }

    @Test func readerGivesTheDeltaOfTwoReads() throws {
        let (dir, vm, irq) = try Self.files(Self.vmstat, Self.interrupts)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reader = CounterReader(vmstat: vm, interrupts: irq, prefixes: ["pgfault", "pgmigrate_"])
        reader.read(.before)
        // What a repetition changes: the files are rewritten in place.
        try Self.vmstat.replacingOccurrences(of: "pgfault 10", with: "pgfault 25")
            .write(toFile: vm, atomically: false, encoding: .utf8)
        try Self.interrupts.replacingOccurrences(of: "12   TLB", with: "20   TLB").write(toFile: irq, atomically: false, encoding: .utf8)
        reader.read(.after)
        reader.record()
        let d = reader.lastDelta
        #expect(d == ["pgfault": 15, "pgmigrate_success": 0, "interrupts:TLB": 8, "interrupts:RES": 0])
        // Kept: what moved, and the TLB row whatever it did.
        #expect(reader.summaries() == ["pgfault": CounterSummary(source: "vmstat", perRepetition: [15]),
                                       "interrupts:TLB": CounterSummary(source: "interrupts", perRepetition: [8])])
        #expect(reader.snapshot(.after).values == CounterSnapshot(values: CounterSnapshot.parseVmstat(
            Self.vmstat.replacingOccurrences(of: "pgfault 10", with: "pgfault 25"), prefixes: ["pgfault", "pgmigrate_"])
            .merging(["interrupts:TLB": 31, "interrupts:RES": 7]) { a, _ in a }).values)
    }

    @Test func aFileLongerThanItsBufferCountsNothingOnceThenFits() throws {
        let (dir, vm, irq) = try Self.files(Self.vmstat, Self.interrupts)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reader = CounterReader(vmstat: vm, interrupts: irq, prefixes: ["pgfault"], capacity: 32)
        reader.read(.before)
        reader.read(.after)
        reader.record()
        // Both files were cut at 32 bytes: no counter from a cut text.
        #expect(reader.lastDelta.isEmpty)
        // Buffers double after each cut read (64, 128, then 256 bytes:
        // the interrupts text is about 200).
        for _ in 0..<2 { reader.read(.before); reader.read(.after); reader.record() }
        reader.read(.before); reader.read(.after); reader.record()
        #expect(reader.lastDelta == ["pgfault": 0, "interrupts:TLB": 0, "interrupts:RES": 0])
        // One entry per recorded repetition, 0 where the text was cut.
        #expect(reader.summaries()["interrupts:TLB"]?.perRepetition == [0, 0, 0, 0])
    }

    @Test func missingFilesGiveNoCounters() {
        let reader = CounterReader(vmstat: "/nonexistent/vmstat", interrupts: "/nonexistent/interrupts")
        reader.read(.before)
        reader.read(.after)
        reader.record()
        #expect(reader.lastDelta.isEmpty && reader.summaries().isEmpty)
    }

    /// The fixed-slot parse of this machine's own /proc files gives what
    /// the general parsers give, over several repetitions.
    @Test func fixedSlotsAgreeWithTheGeneralParsersOnThisMachine() throws {
        let reader = CounterReader()
        for _ in 0..<3 {
            reader.read(.before)
            reader.read(.after)
            reader.record()
        }
        let before = reader.snapshot(.before).values, after = reader.snapshot(.after).values
        let expected = after.filter { before[$0.key] != nil }.map { ($0.key, $0.value - before[$0.key]!) }
        #expect(reader.lastDelta == Dictionary(uniqueKeysWithValues: expected))
        if FileManager.default.isReadableFile(atPath: "/proc/vmstat") {
            #expect(reader.lastDelta["pgfault"] != nil)
        }
    }

    /// Lines are matched in the order the first read found them: a text
    /// whose tracked values change but whose untracked lines differ is
    /// still read right (an untracked line is skipped, not a stop).
    @Test func untrackedLinesBetweenTrackedOnesAreSkipped() throws {
        let (dir, vm, irq) = try Self.files("a 1\npgfault 10\nb 2\npgmajfault 3\n", Self.interrupts)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reader = CounterReader(vmstat: vm, interrupts: irq, prefixes: ["pgfault", "pgmajfault"])
        reader.read(.before)
        try "a 1\npgfault 12\nb 2\nc 9\npgmajfault 7\n".write(toFile: vm, atomically: false, encoding: .utf8)
        reader.read(.after)
        reader.record()
        #expect(reader.lastDelta["pgfault"] == 2 && reader.lastDelta["pgmajfault"] == 4)
    }

    @Test func byteParsersAgreeWithTheTextOnes() {
        var t = Self.interrupts
        let viaBytes = t.withUTF8 { CounterSnapshot.parseInterrupts(bytes: UnsafeRawBufferPointer($0)) }
        #expect(viaBytes == ["interrupts:TLB": 23, "interrupts:RES": 7])
        #expect(CounterSnapshot.parseVmstat("a 1\nb x\nc 2 3\nd -4\n") == ["a": 1, "d": -4])
        #expect(CounterSnapshot.parseVmstat(Self.vmstat, prefixes: ["nr_", "numa_"]) == ["nr_free_pages": 100, "numa_hit": 7])
    }

    @Test func suiteRunnerPinsByDefaultRecordsWhyAndRestores() throws {
        let before = CPUSet.allowed()
        let selection = try BackendSelector.select(BackendOptions(choice: .sim))
        let runner = SuiteRunner(selection: selection, options: RunOptions(warmup: 0, repetitions: 2), outputPath: nil)
        var seen: [Int] = []
        final class Probe: ProgressSink {
            var allowed: [[Int]] = []
            func flowStarted(index: Int, of total: Int, label: String) { allowed.append(CPUSet.allowed()) }
            func flowFinished(index: Int, of total: Int, label: String, result: FlowResult?, failed: String?, skipped: String?,
                              seconds: Double) {}
        }
        let probe = Probe()
        runner.progress = probe
        let record = try runner.run(suite: nil, entries: [try FlowCatalog.standard.parameters(flow: "snapshot", values: ["size": "64K"])])
        seen = probe.allowed.first ?? []
        let expected = try #require(MeasuringCPU.choose(explicit: nil, topology: selection.migrator.topology))
        #expect(record.environment.pinnedCPU == expected.cpu)
        #expect(record.environment.pinnedCPUReason == expected.reason)
        #expect(seen == [expected.cpu], "the measuring thread ran on \(seen)")
        #expect(CPUSet.allowed() == before, "the thread's mask is put back after the run")
    }
}
