import ArgumentParser
import HMMBench

// The library's enums, parsed by swift-argument-parser itself: a bad value
// gets the parser's own message with the valid list ("The value 'bogus' is
// invalid for '--backend <backend>'. Please provide one of 'auto', 'kernel'
// and 'sim'."), and the root command exits 2 for it like for our usage
// errors. The library does not depend on ArgumentParser, so the
// conformances live here, in the command line.

extension BackendChoice: ExpressibleByArgument {}

extension ReportFormat: ExpressibleByArgument {
    /// Any case, and "md" for markdown (`ReportFormat(name:)`).
    public init?(argument: String) { self.init(name: argument) }
}

extension UAPIGeneration: ExpressibleByArgument {
    /// A generation's first release ("6.1") or its span ("6.1-6.18").
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension SimulatorProfile: ExpressibleByArgument {
    /// A profile by its name ("6.15") or its span.
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { all.map(\.name) }
}
