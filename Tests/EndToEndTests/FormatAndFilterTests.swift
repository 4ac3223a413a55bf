import Foundation
import Testing
import HMMBenchTestSupport

/// `run --format` (metrics, ktap with kselftest exit codes) and compare's
/// filters, as a CI engine or a reviewer calls them.
@Suite(.serialized)
struct FormatAndFilterTests {
    static let sim = ["run", "--backend", "sim", "-n", "2", "--warmup", "0", "--quiet"]

    /// LKP's and LAVA's contract: every line `key: number`, nothing else.
    @Test func runFormatMetricsIsStrictKeyNumberLines() throws {
        let pattern = try Regex("^[a-z0-9_.-]+: -?[0-9.e+-]+$")
        let r = try CLI.run(Self.sim + ["--flow", "migrate-to-dev", "size=64K,2M", "--format", "metrics"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        #expect(lines.count > 10)
        for line in lines.dropLast() { #expect(line.wholeMatch(of: pattern) != nil, "not key: number: '\(line)'") }
        #expect(lines.contains { $0.hasPrefix("migrate-to-dev.") && $0.contains("size-2m") && $0.contains(".time_mean_ns: ") })
    }

    /// KTAP on stdout and kselftest's exit codes: 0 pass, 1 fail (an
    /// injected ioctl failure), 4 skip (everything skipped).
    @Test func runFormatKtapUsesKselftestExitCodes() throws {
        let pass = try CLI.run(Self.sim + ["--flow", "snapshot", "size=64K", "--format", "ktap"])
        #expect(pass.status == 0, "\(pass.stderr)")
        #expect(pass.stdout.hasPrefix("KTAP version 1\n1..1\n"))
        #expect(pass.stdout.contains("\nok 1 snapshot mapping=anon memory=private populate=write size=64K\n"))
        #expect(pass.stdout.hasSuffix("# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0\n"))

        let suite = CLI.temporaryFile("ktap-inject.suite")
        try "migrate-to-dev size=64K\nfault-read size=64K\n".write(toFile: suite, atomically: true, encoding: .utf8)
        let fail = try CLI.run(Self.sim + ["--uapi-table", "read=0,write=1,migrate-to-dev=66,migrate-to-sys=3,snapshot=4",
                                           "--suite", suite, "--format", "ktap"])
        #expect(fail.status == 1, "\(fail.stderr)")
        #expect(fail.stdout.contains("\nnot ok 2 migrate-to-dev mapping=anon memory=private size=64K\n"), "\(fail.stdout)")
        #expect(fail.stdout.contains("# Totals: pass:1 fail:1 "))
        #expect(fail.stderr.contains("1 of 2 planned measurements failed"))

        let skip = try CLI.run(Self.sim + ["--uapi", "5.14", "--flow", "migrate-to-sys", "--format", "ktap"])
        #expect(skip.status == 4, "\(skip.stderr)")
        #expect(skip.stdout.contains("\nok 1 migrate-to-sys "), "\(skip.stdout)")
        #expect(skip.stdout.contains(" # SKIP uapi 5.14-5.19 has no HMM_DMIRROR_MIGRATE_TO_SYS\n"))
        // Without ktap the same runs keep hmmbench's own codes.
        #expect(try CLI.run(Self.sim + ["--uapi", "5.14", "--flow", "migrate-to-sys", "--format", "metrics"]).status == 3)

        let both = try CLI.run(Self.sim + ["--flow", "snapshot", "--json", "--format", "ktap"])
        #expect(both.status == 2)
        #expect(both.stderr.hasPrefix("hmmbench: error: --json and --format ktap both choose what goes to stdout\n"))
        #expect(both.stdout.isEmpty)
    }

    @Test func compareFiltersAndSummaryFromTheCommandLine() throws {
        typealias F = ReportFixtures
        let dir = F.tempDir()
        let snap = F.result("snapshot", size: "64K", meanNs: 5e4)
        let a = F.write(F.record(F.sweep() + [snap]), "a.json", in: dir)
        let b = F.write(F.record(F.sweep(scale: 0.8) + [snap]), "b.json", in: dir)

        let all = try CLI.run(["compare", a, b])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.hasPrefix("Against A: 0 better, 4 worse, 1 within noise, 0 failed.\n"))

        let changed = try CLI.run(["compare", a, b, "--changed-only", "--metric", "throughput"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stdout.hasPrefix("Against A: 0 better, 4 worse, 1 within noise, 0 failed.\n"))
        #expect(!changed.stdout.contains("snapshot"))
        #expect(changed.stdout.contains("GiB/s"))
        #expect(!changed.stdout.contains("time/"))

        let one = try CLI.run(["compare", a, b, "--flow", "snapshot", "--format", "metrics"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.hasPrefix("summary.better: 0\nsummary.worse: 0\nsummary.within_noise: 1\n"))
        #expect(!one.stdout.contains("migrate-to-dev"))

        let unknown = try CLI.run(["compare", a, b, "--flow", "no-such-flow"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("hmmbench: error: --flow no-such-flow: no result, failure or skip of that flow in these files\n"))
        let metric = try CLI.run(["compare", a, b, "--metric", "latency"])
        #expect(metric.status == 2)
        #expect(metric.stderr.hasPrefix("hmmbench: error: unknown metric 'latency'\n"))
        let ktap = try CLI.run(["compare", a, b, "--format", "ktap"])
        #expect(ktap.status == 2)
        #expect(ktap.stderr.hasPrefix("hmmbench: error: --format ktap renders one run"))
    }
}
