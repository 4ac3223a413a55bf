extension SimulatorProfile {
    /// 6.1-6.14: the driver as Debian's 6.1.192 module answers (checked
    /// scenario by scenario against it, Tests/HMMBenchTests/Fixtures/kernel).
    /// lib/test_hmm.c dmirror_exclusive calls make_device_exclusive_range
    /// (mm/rmap.c) and answers EBUSY when any page was not made exclusive;
    /// dmirror_fault, dmirror_snapshot and dmirror_migrate_to_device /
    /// _to_system work on 64-page arrays; THP is split on the way to a
    /// device (migrate_vma_collect_pmd splits the PMD).
    public static let v6_1 = SimulatorProfile(
        name: "6.1", span: "6.1-6.14", firstMajor: 6, firstMinor: 1,
        exclusive: .rangeBusy, devicePrivateTHP: false, flags: false, holeEntryWritable: true,
        faultBatch: 64, snapshotBatch: 64, migrateBatch: 64, driverGeneration: .v6_1)
}
