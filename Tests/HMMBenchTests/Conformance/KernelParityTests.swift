import Foundation
import Testing
@testable import HMMBench

/// The simulator against the conformance report of the real module.
/// Fixtures/kernel/conformance-6.1.192.json was produced by
/// `hmmbench conformance --backend kernel` inside the test bed (Debian's
/// linux-source-6.1, 6.1.192, all four devices, THP madvise, TCG); any
/// change to the model that breaks parity with it fails here.
struct KernelParityTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kernel/conformance-6.1.192.json").path

    @Test func simulatorMatchesTheRealModuleOnEveryScenario() throws {
        let real = try ConformanceReport.read(from: Self.fixture)
        #expect(real.backend == .kernel)
        #expect(real.scenarios.filter { $0.status == .ran }.count >= 60)
        let (comparison, _) = try ConformanceComparison.simulator(against: Self.fixture, scenarios: ConformanceSuite.all,
                                                                  onlyChosen: false)
        #expect(comparison.differentCount == 0, "\(comparison.render(width: 72))")
        #expect(comparison.sameCount >= 60)
    }
}
