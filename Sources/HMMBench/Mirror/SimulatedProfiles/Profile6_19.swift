extension SimulatorProfile {
    /// 6.19 and later: device-private THP. lib/test_hmm.c migrates with
    /// MIGRATE_VMA_SELECT_COMPOUND in PTRS_PER_PTE (512-page) batches and
    /// keeps a whole THP one huge device page (dmirror_migrate_alloc_and_copy,
    /// dmirror_devmem_alloc_page with free_folios apart from free_pages);
    /// mm/hmm.c hmm_vma_handle_absent_pmd reports the owner's huge entry
    /// with PMD order and any other device's as HMM_PFN_ERROR;
    /// dmirror_devmem_fault brings the whole folio back;
    /// dmirror_successful_migrated_pages counts one source entry per huge
    /// page; dmirror_fault and dmirror_snapshot use 32-entry arrays;
    /// HMM_DMIRROR_FLAGS sets dmirror->flags (FAIL_ALLOC, consumed by the
    /// next device or system allocation of that fd).
    public static let v6_19 = SimulatorProfile(
        name: "6.19", span: "6.19+", firstMajor: 6, firstMinor: 19,
        exclusive: .perPageFolio, devicePrivateTHP: true, flags: true, holeEntryWritable: false,
        faultBatch: 32, snapshotBatch: 32, migrateBatch: 512, driverGeneration: .v6_19)
}
