/// hmmbench's own version, recorded in every result and printed by
/// `hmmbench --version`. Filled at build time, in one place: the
/// VersionStamp build-tool plugin (Plugins/VersionStamp) generates
/// `hmmbenchBuildVersion` before every build from the VERSION file at the
/// package root and the git commit: "0.1.0+g1a2b3c4d5e6f", with "-dirty"
/// when tracked files were changed, and the bare VERSION outside a git
/// checkout. To release, edit VERSION.
public enum HMMBenchVersion {
    public static let string = hmmbenchBuildVersion
}
