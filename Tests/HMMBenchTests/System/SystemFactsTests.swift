import Testing
import Foundation
@testable import HMMBench

/// Parsers over captured /proc and /sys text.
struct SystemFactsTests {
    static let vmstat = """
    nr_free_pages 240042
    pgfault 1234567
    pgmigrate_success 1024
    pgmigrate_fail 3
    thp_migration_success 2
    thp_migration_fail 0
    numa_hit 99
    nr_tlb_remote_flush 17
    compact_stall 0
    """

    static let interrupts = """
               CPU0       CPU1
      0:         44          0   IO-APIC   2-edge      timer
    NMI:          0          0   Non-maskable interrupts
    RES:        120        340   Rescheduling interrupts
    CAL:         55         66   Function call interrupts
    TLB:         10         32   TLB shootdowns
    ERR:          0
    """

    @Test func vmstatFiltersByPrefix() {
        let v = CounterSnapshot.parseVmstat(Self.vmstat, prefixes: ["pgmigrate_", "nr_tlb_"])
        #expect(v == ["pgmigrate_success": 1024, "pgmigrate_fail": 3, "nr_tlb_remote_flush": 17])
        #expect(CounterSnapshot.parseVmstat(Self.vmstat).count == 9)
    }

    @Test func interruptsSumTheCPUColumns() {
        let i = CounterSnapshot.parseInterrupts(Self.interrupts)
        #expect(i["interrupts:TLB"] == 42)
        #expect(i["interrupts:CAL"] == 121)
        #expect(i["interrupts:RES"] == 460)
        #expect(i["interrupts:NMI"] == nil)
    }

    @Test func deltas() {
        let a = CounterSnapshot(values: ["x": 10, "y": 5, "gone": 1])
        let b = CounterSnapshot(values: ["x": 15, "y": 5, "new": 7])
        #expect(b.delta(since: a) == ["x": 5, "y": 0])
    }

    @Test func bracketedChoice() {
        #expect(SystemFacts.bracketed("always [madvise] never") == "madvise")
        #expect(SystemFacts.bracketed("[always] defer defer+madvise madvise never") == "always")
    }

    @Test func configParsing() {
        let text = """
        CONFIG_TEST_HMM=m
        # CONFIG_DEBUG_TLBFLUSH is not set
        CONFIG_HZ=250
        CONFIG_OTHER=y
        """
        #expect(SystemFacts.parseConfig(text) == ["CONFIG_TEST_HMM": "m", "CONFIG_DEBUG_TLBFLUSH": "n", "CONFIG_HZ": "250"])
    }

    /// Every option the test bed pins (bench/vm/config/pinned.fragment) is
    /// recorded with a run, so `compare` can name one that differs.
    @Test func everyPinnedTestBedOptionIsRecorded() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: repo.appendingPathComponent("bench/vm/config/pinned.fragment"), encoding: .utf8)
        let pinned = text.split(separator: "\n").compactMap { line -> String? in
            if line.hasPrefix("CONFIG_"), let eq = line.firstIndex(of: "=") { return String(line[..<eq]) }
            if line.hasPrefix("# CONFIG_"), line.hasSuffix(" is not set") { return String(line.dropFirst(2).dropLast(11)) }
            return nil
        }
        #expect(pinned.count > 20)
        let missing = pinned.filter { !SystemFacts.relevantConfig.contains($0) }
        #expect(missing.isEmpty, "pinned but not recorded: \(missing)")
        // And parsing a .config keeps them.
        #expect(SystemFacts.parseConfig("CONFIG_SLUB_CPU_PARTIAL=y\n# CONFIG_SLUB_TINY is not set\n")
            == ["CONFIG_SLUB_CPU_PARTIAL": "y", "CONFIG_SLUB_TINY": "n"])
    }

    @Test func virtualization() {
        let bare = "processor : 0\nflags : fpu vme sse2\nmodel name : X\n"
        let guest = "processor : 0\nflags : fpu hypervisor sse2\nmodel name : X\n"
        let tcg = "processor : 0\nflags : fpu hypervisor\nmodel name : QEMU TCG CPU version 2.5+\n"
        #expect(SystemFacts.virtualization(environment: [:], cpuinfo: bare, clocksources: "") == "bare-metal")
        #expect(SystemFacts.virtualization(environment: [:], cpuinfo: guest, clocksources: "kvm-clock tsc") == "kvm")
        #expect(SystemFacts.virtualization(environment: [:], cpuinfo: tcg, clocksources: "tsc") == "tcg")
        #expect(SystemFacts.virtualization(environment: [:], cpuinfo: guest, clocksources: "tsc") == "vm")
        #expect(SystemFacts.virtualization(environment: ["HMMBENCH_VIRT": "tcg"], cpuinfo: guest, clocksources: "kvm-clock") == "tcg")
    }

    @Test func meminfoAndHugetlb() {
        let m = "MemTotal:       16384 kB\nHugePages_Total:      16\nHugePages_Free:       12\nHugepagesize:       2048 kB\n"
        #expect(MemoryInfo.totalBytes(meminfo: m) == 16384 * 1024)
        let h = SystemFacts.hugetlb(meminfo: m)
        #expect(h.total == 16 && h.free == 12 && h.pageSizeBytes == 2 << 20)
    }

    @Test func cpuListsAndDevicesMajor() {
        #expect(NUMATopology.parseCPUList("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11])
        let devices = "Character devices:\n  1 mem\n238 HMM_DMIRROR\n\nBlock devices:\n  8 sd\n"
        #expect(ProbeReport.dmirrorMajor(devices) == 238)
        #expect(ProbeReport.dmirrorMajor("Character devices:\n  1 mem\n") == nil)
    }
}

/// What the probe says about counters a kernel lacks.
struct MissingCounterTests {
    @Test func noEventCountersAtAllNamesVMEventCounters() {
        let m = ProbeReport.missingCounters(["numa_hit": 1, "nr_free_pages": 3])
        #expect(m["pgmigrate_*"] == "CONFIG_VM_EVENT_COUNTERS is off (no event counters at all)")
        #expect(m["nr_tlb_*"]?.contains("TLB row of /proc/interrupts") == true)
    }

    @Test func eventCountersWithoutMigrationNameTheOption() {
        let m = ProbeReport.missingCounters(["pgfault": 10, "pgmigrate_success": 0])
        #expect(m["pgmigrate_*"] == nil)
        #expect(m["thp_migration_*"] == "needs CONFIG_ARCH_ENABLE_THP_MIGRATION and CONFIG_TRANSPARENT_HUGEPAGE")
        #expect(m["nr_tlb_*"] == "needs CONFIG_DEBUG_TLBFLUSH; the TLB row of /proc/interrupts is used instead")
    }
}
