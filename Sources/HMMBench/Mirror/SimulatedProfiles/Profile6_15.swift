extension SimulatorProfile {
    /// 6.15-6.18: the device-exclusive rework. mm/rmap.c
    /// make_device_exclusive takes one address, faults it in with
    /// get_user_page_vma_remote(FOLL_WRITE | FOLL_SPLIT_PMD) (EFAULT for a
    /// read-only, PROT_NONE or unmapped address), refuses a folio that is
    /// not anonymous or is hugetlb with EOPNOTSUPP, and converts any page
    /// of an anonymous folio, PTE-mapped THP included. lib/test_hmm.c
    /// dmirror_exclusive loops page by page and stops at the first error.
    /// Everything else is 6.1's.
    public static let v6_15 = SimulatorProfile(
        name: "6.15", span: "6.15-6.18", firstMajor: 6, firstMinor: 15,
        exclusive: .perPageFolio, devicePrivateTHP: false, flags: false, holeEntryWritable: true,
        faultBatch: 64, snapshotBatch: 64, migrateBatch: 64, driverGeneration: .v6_1)
}
