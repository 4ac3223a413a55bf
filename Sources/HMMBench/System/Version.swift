/// hmmbench's own version, recorded in every result.
public enum HMMBenchVersion {
    public static let string = "0.1.0"
}
