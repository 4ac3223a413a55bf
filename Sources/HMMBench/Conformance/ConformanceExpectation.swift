/// What one step of a scenario must give under some simulator profiles,
/// where kernel generations differ (the real module of a generation is
/// checked against the same expectation through its release's profile).
/// Only the fields given are checked.
public struct ConformanceExpectation: Equatable, Sendable {
    /// Index of the step (0 is the first action, usually the map).
    public var step: Int
    /// Profile names ("6.1", "6.15", "6.19") the expectation holds for.
    public var profiles: [String]
    /// "OK" or an errno name.
    public var errno: String?
    public var cpages: UInt64?
    /// Run-length hex, as `ConformanceStep.snapshot`.
    public var snapshot: String?

    public init(step: Int, _ profiles: [String], errno: String? = nil, cpages: UInt64? = nil, snapshot: String? = nil) {
        self.step = step
        self.profiles = profiles
        self.errno = errno
        self.cpages = cpages
        self.snapshot = snapshot
    }

    /// Whether it applies to `profile`.
    public func applies(to profile: SimulatorProfile) -> Bool { profiles.contains(profile.name) }

    /// Why `step` does not meet it ("errno EBUSY, expected EOPNOTSUPP"), or nil.
    public func unmet(by step: ConformanceStep?) -> String? {
        guard let step else { return "step \(self.step) did not run" }
        var wrong: [String] = []
        if let errno, step.errno != errno { wrong.append("errno \(step.errno ?? "none"), expected \(errno)") }
        if let cpages, step.cpages != cpages {
            wrong.append("cpages \(step.cpages.map(String.init) ?? "none"), expected \(cpages)")
        }
        if let snapshot, step.snapshot != snapshot {
            wrong.append("snapshot \(step.snapshot ?? "none"), expected \(snapshot)")
        }
        return wrong.isEmpty ? nil : wrong.joined(separator: "; ")
    }
}

extension ConformanceSuite {
    /// Every expectation of `scenarios` for `profile` that `report` does
    /// not meet, one line each ("thp/exclusive step 1 (dev0 exclusive):
    /// errno EBUSY, expected OK"). Scenarios the report skipped are not
    /// checked.
    public static func unmetExpectations(_ report: ConformanceReport, profile: SimulatorProfile,
                                         scenarios: [ConformanceScenario] = all) -> [String] {
        var out: [String] = []
        for scenario in scenarios {
            guard let result = report.scenarios.first(where: { $0.name == scenario.name }), result.status == .ran else {
                continue
            }
            for e in scenario.expectations where e.applies(to: profile) {
                let step = e.step < result.steps.count ? result.steps[e.step] : nil
                if let why = e.unmet(by: step) {
                    out.append("\(scenario.name) step \(e.step) (\(step?.action ?? "missing")): \(why)")
                }
            }
        }
        return out
    }
}
