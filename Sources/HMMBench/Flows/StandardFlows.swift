extension FlowCatalog {
    /// Every flow, in the order `hmmbench list` shows them.
    public static let standard = FlowCatalog(flows: [
        CopyBandwidthFlow(),
        FaultFlow(write: false), FaultFlow(write: true), SnapshotFlow(),
        MigrateToDeviceFlow(), MigrateToSystemFlow(), MigrateBackCPUFaultFlow(), MigrateRoundtripFlow(),
        FaultMigrateOrderFlow(faultFirst: true), FaultMigrateOrderFlow(faultFirst: false),
        CrossDeviceFlow(), ExclusiveFlow(),
        NUMAMovePagesFlow(), NUMAMbindFlow(), NUMAMigratePagesFlow(),
    ])
}
