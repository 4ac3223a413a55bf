extension Dictionary where Key == String, Value == String {
    /// Parameters as every report and label writes them: sorted by name,
    /// "mapping=anon memory=private size=2M".
    public var keyValueText: String {
        keys.sorted().map { "\($0)=\(self[$0]!)" }.joined(separator: " ")
    }
}
