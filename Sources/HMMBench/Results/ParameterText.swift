extension Dictionary where Key == String, Value == String {
    /// Parameters as every report and label writes them: sorted by name,
    /// "mapping=anon memory=private size=2M".
    public var keyValueText: String {
        keys.sorted().map { "\($0)=\(self[$0]!)" }.joined(separator: " ")
    }
}

/// The key a flow with its parameters is matched on across runs, for
/// results, failures and skips alike: "flow k=v k=v" (params sorted).
public func flowMatchKey(_ flow: String, _ params: [String: String]) -> String {
    flow + " " + params.keyValueText
}
