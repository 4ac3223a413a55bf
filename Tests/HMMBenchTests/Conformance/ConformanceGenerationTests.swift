import Foundation
import Testing
@testable import HMMBench

/// Scenarios carry their expectation per generation where generations
/// differ; each profile meets its own and not the others'.
@Suite struct ConformanceGenerationTests {
    func run(_ p: SimulatorProfile, _ scenarios: [ConformanceScenario] = ConformanceSuite.all) -> ConformanceReport {
        ConformanceRunner.run(scenarios, on: SimulatedBackend(uapi: p.driverGeneration.table, profile: p),
                              kernelRelease: "simulated")
    }

    @Test func everyExpectationNamesAProfileAndAStep() {
        let names = Set(SimulatorProfile.all.map(\.name))
        let withExpectations = ConformanceSuite.all.filter { !$0.expectations.isEmpty }
        #expect(withExpectations.count == 13)
        for s in withExpectations {
            for e in s.expectations {
                #expect(e.profiles.allSatisfy(names.contains), "\(s.name)")
                #expect(e.step < s.actions.count, "\(s.name) step \(e.step)")
            }
        }
        let exclusive = ConformanceSuite.all.first { $0.name == "shared/exclusive" }!
        #expect(exclusive.expectations.filter { $0.applies(to: .v6_1) }.map(\.errno) == ["EBUSY"])
        #expect(exclusive.expectations.filter { $0.applies(to: .v6_15) }.map(\.errno) == ["EOPNOTSUPP"])
    }

    @Test func eachProfileMeetsItsOwnExpectations() {
        for p in SimulatorProfile.all {
            let report = run(p)
            #expect(ConformanceSuite.unmetExpectations(report, profile: p) == [], "\(p)")
        }
    }

    @Test func expectationsTellTheGenerationsApart() {
        let old = run(.v6_1)
        let unmet = ConformanceSuite.unmetExpectations(old, profile: .v6_15)
        #expect(unmet.contains("thp/exclusive step 1 (dev0 exclusive): errno EBUSY, expected OK; cpages 0, expected 512"))
        #expect(unmet.contains("shared/exclusive step 1 (dev0 exclusive): errno EBUSY, expected EOPNOTSUPP"))
        #expect(unmet.contains("unmapped/exclusive step 2 (dev0 exclusive): errno EBUSY, expected EFAULT"))
        #expect(unmet.count == 8)
        let new = run(.v6_19)
        let unmet19 = ConformanceSuite.unmetExpectations(new, profile: .v6_15)
        #expect(unmet19 == [
            "thp/migrate step 2 (dev0 snapshot): snapshot 26*512, expected 22*512",
            "thp/migrate step 3 (dev1 snapshot): snapshot ff*512, expected 00*512",
            "thp/migrate step 5 (dev0 migrate-to-sys): cpages 1, expected 512",
            "thp/migrate step 6 (dev0 snapshot): snapshot 06*512, expected 02*512",
        ])
    }

    /// The real 6.1.192 module meets the 6.1 expectations (its report has
    /// no FLAGS scenarios: those are not checked).
    @Test func theReal61ModuleMeetsThe61Expectations() throws {
        let real = try ConformanceReport.read(from: KernelParityTests.fixture)
        #expect(ConformanceSuite.unmetExpectations(real, profile: .v6_1) == [])
        #expect(ConformanceSuite.unmetExpectations(real, profile: .v6_15).count == 8)
    }

    @Test func flagsScenariosRunOnlyWithFlags() {
        let flags = ConformanceSuite.named("flags/")
        #expect(flags.allSatisfy { $0.needs == .flags })
        let old = run(.v6_1, flags)
        #expect(old.scenarios.allSatisfy { $0.status == .skipped && $0.reason == "skipped: uapi 6.1-6.18 has no flags" })
        let new = run(.v6_19, flags)
        #expect(new.ranCount == flags.count)
        let base = new.scenarios.first { $0.name == "flags/fail-alloc-base" }!
        #expect(base.steps[2].errno == "ENOENT")
        #expect(base.steps[3].snapshot == "02 22*15")
    }

    /// --against picks the profile of the real report's release; a given
    /// profile overrides it (and then 6.1's module differs).
    @Test func againstUsesTheReleaseProfileUnlessGiven() throws {
        let (same, _) = try ConformanceComparison.simulator(against: KernelParityTests.fixture,
                                                            scenarios: ConformanceSuite.all, onlyChosen: false)
        #expect(same.differentCount == 0)
        #expect(same.simulatedLabel.hasSuffix("(profile 6.1-6.14)"))
        let (other, _) = try ConformanceComparison.simulator(against: KernelParityTests.fixture,
                                                             scenarios: ConformanceSuite.all, onlyChosen: false,
                                                             profile: .v6_15)
        #expect(other["thp/exclusive"] != .same)
        #expect(other["shared/exclusive"] != .same)
        #expect(other.differentCount == 8)
    }
}
