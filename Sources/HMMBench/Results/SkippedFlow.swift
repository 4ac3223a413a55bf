/// A flow the run did not measure, and why.
public struct SkippedFlow: Codable, Equatable, Sendable {
    public var flow: String
    public var params: [String: String]
    public var reason: String

    /// The key results are matched on across runs: flow and sorted params.
    public var matchKey: String {
        flowMatchKey(flow, params)
    }

    public init(flow: String, params: [String: String], reason: String) {
        self.flow = flow
        self.params = params
        self.reason = reason
    }
}
