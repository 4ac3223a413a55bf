/// The scenarios and expectations that differ between kernel generations.
/// Sources, per behaviour: docs/SIMULATOR.md ("Generations").
extension ConformanceSuite {
    static let before615 = ["6.1"]
    static let from615 = ["6.15", "6.19"]
    static let before619 = ["6.1", "6.15"]
    static let from619 = ["6.19"]

    /// Expectations by scenario name.
    static let generationExpectations: [String: [ConformanceExpectation]] = {
        var e: [String: [ConformanceExpectation]] = [:]
        // 6.15 reworked make_device_exclusive: per page, EFAULT from GUP,
        // EOPNOTSUPP for non-anonymous or hugetlb folios, THP works.
        e["thp/exclusive"] = [ConformanceExpectation(step: 1, before615, errno: "EBUSY"),
                              ConformanceExpectation(step: 1, from615, errno: "OK", cpages: 512)]
        for kind in ["shared-untouched", "shared", "file"] {
            e["\(kind)/exclusive"] = [ConformanceExpectation(step: 1, before615, errno: "EBUSY"),
                                      ConformanceExpectation(step: 1, from615, errno: "EOPNOTSUPP")]
        }
        for (kind, step) in [("read-only", 1), ("read-only-untouched", 1), ("prot-none", 1), ("unmapped", 2)] {
            e["\(kind)/exclusive"] = [ConformanceExpectation(step: step, before615, errno: "EBUSY"),
                                      ConformanceExpectation(step: step, from615, errno: "EFAULT")]
        }
        // 6.19 device-private THP: the THP stays huge on dev0, dev1 sees an
        // error, MIGRATE_TO_SYS counts one per huge page and brings it back huge.
        e["thp/migrate"] = [
            ConformanceExpectation(step: 2, before619, snapshot: "22*512"),
            ConformanceExpectation(step: 2, from619, snapshot: "26*512"),
            ConformanceExpectation(step: 3, before619, snapshot: "00*512"),
            ConformanceExpectation(step: 3, from619, snapshot: "ff*512"),
            ConformanceExpectation(step: 5, before619, errno: "OK", cpages: 512),
            ConformanceExpectation(step: 5, from619, errno: "OK", cpages: 1),
            ConformanceExpectation(step: 6, before619, snapshot: "02*512"),
            ConformanceExpectation(step: 6, from619, snapshot: "06*512"),
        ]
        return e
    }()

    /// Attaches `generationExpectations` to the scenarios they name.
    static func withGenerationExpectations(_ scenarios: [ConformanceScenario]) -> [ConformanceScenario] {
        scenarios.map { s in
            var s = s
            s.expectations += generationExpectations[s.name] ?? []
            return s
        }
    }

    /// FLAGS (6.19+): FAIL_ALLOC makes the fd's next device or system
    /// allocation fail once. Skipped where the uapi has no FLAGS.
    static func flagsScenarios() -> [ConformanceScenario] {
        let failAlloc = ConformanceAction.op(.flags, device: 0, pages: 0..<1)
        return [
            ConformanceScenario("flags/fail-alloc-base", "a failed base allocation leaves a hole: ENOENT",
                                needs: .flags, expectations: [
                ConformanceExpectation(step: 2, from619, errno: "ENOENT"),
                ConformanceExpectation(step: 3, from619, snapshot: "02 22*15"),
                ConformanceExpectation(step: 4, from619, errno: "OK", cpages: 16),
            ], [
                .map(spec(.anon, .write)), failAlloc, .op(.migrateToDevice, device: 0), .op(.snapshot, device: 0),
                .op(.migrateToDevice, device: 0), .op(.snapshot, device: 0),
            ]),
            ConformanceScenario("flags/fail-alloc-thp", "a failed huge allocation falls back to base pages",
                                needs: .flags, expectations: [
                ConformanceExpectation(step: 2, from619, errno: "OK", cpages: 512),
                ConformanceExpectation(step: 3, from619, snapshot: "22*512"),
            ], [
                .map(spec(.thp, .write)), failAlloc, .op(.migrateToDevice, device: 0), .op(.snapshot, device: 0),
                .cpuRead(), .op(.snapshot, device: 0),
            ]),
            ConformanceScenario("flags/fail-alloc-to-sys", "a failed system allocation: ENOMEM, pages stay",
                                needs: .flags, expectations: [
                ConformanceExpectation(step: 3, from619, errno: "ENOMEM"),
                ConformanceExpectation(step: 4, from619, snapshot: "22*16"),
                ConformanceExpectation(step: 5, from619, errno: "OK", cpages: 16),
            ], [
                .map(spec(.anon, .write)), .op(.migrateToDevice, device: 0), failAlloc,
                .op(.migrateToSystem, device: 0), .op(.snapshot, device: 0), .op(.migrateToSystem, device: 0),
            ]),
            ConformanceScenario("flags/fail-alloc-thp-to-sys", "a failed huge system allocation splits the THP back",
                                needs: .flags, expectations: [
                ConformanceExpectation(step: 3, from619, errno: "OK"),
                ConformanceExpectation(step: 4, from619, snapshot: "02*512"),
            ], [
                .map(spec(.thp, .write)), .op(.migrateToDevice, device: 0), failAlloc,
                .op(.migrateToSystem, device: 0), .op(.snapshot, device: 0),
            ]),
        ]
    }
}
