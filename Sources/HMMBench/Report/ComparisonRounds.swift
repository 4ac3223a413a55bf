/// How much one kernel's numbers move from boot to boot, beside how much
/// they move within one boot: the spread of one result over the rounds
/// (boots) of one run of `compare --rounds N`.
///
/// Within-boot: the root mean of the rounds' sample variances, over the
/// pooled mean (a CV). Between-boot: the standard deviation of the
/// rounds' means, over the pooled mean. Host drift between boots shows up
/// in the second and not as a change.
public struct BootSpread: Codable, Equatable, Sendable {
    /// The pooled run's label ("A").
    public var run: String
    /// Rounds that have this result.
    public var rounds: Int
    /// Each round's mean time per operation (ns), in round order.
    public var roundMeansNs: [Double]
    /// nil when no round has 2 samples.
    public var withinCV: Double?
    /// nil for fewer than 2 rounds.
    public var betweenCV: Double?
    /// Standard deviation of the round means (ns); nil for fewer than 2.
    public var betweenSDNs: Double?

    /// The spread of `perRound` (each round's time samples, in ns).
    public init(run: String, perRound: [[Double]]) {
        self.run = run
        let rounds = perRound.filter { !$0.isEmpty }
        self.rounds = rounds.count
        roundMeansNs = rounds.map { Statistics.mean($0) }
        let grand = Statistics.mean(rounds.flatMap { $0 })
        let variances = rounds.filter { $0.count >= 2 }.map { Statistics.variance($0) }
        withinCV = variances.isEmpty || grand == 0 ? nil
            : (variances.reduce(0, +) / Double(variances.count)).squareRoot() / grand
        if roundMeansNs.count >= 2 {
            let sd = Statistics.stddev(roundMeansNs)
            betweenSDNs = sd
            betweenCV = grand == 0 ? nil : sd / grand
        }
    }

    enum CodingKeys: String, CodingKey {
        case run, rounds
        case roundMeansNs = "round_means_ns"
        case withinCV = "within_cv"
        case betweenCV = "between_cv"
        case betweenSDNs = "between_sd_ns"
    }
}

/// One non-baseline run's change of one result against the change the
/// boots alone make: the half width of the 95% interval of a difference
/// of pooled means whose rounds differ only by boot-to-boot spread
/// (t with 2(N-1) degrees of freedom over the two runs' round means, times
/// their pooled between-boot standard deviation, times sqrt(2/N)). A
/// change inside it is not called, whatever the per-sample tests say.
public struct BootNoise: Codable, Equatable, Sendable {
    public var run: String
    /// Change of the pooled mean time against run A, percent.
    public var changePct: Double
    /// The between-boot spread as a percentage of run A's pooled mean.
    public var spreadPct: Double
    /// |changePct| < spreadPct: the difference is smaller than what boots
    /// alone give.
    public var withinSpread: Bool
    /// The per-sample tests had called it, and the boots took it back.
    public var uncalled: Bool

    enum CodingKeys: String, CodingKey {
        case run
        case changePct = "change_pct"
        case spreadPct = "spread_pct"
        case withinSpread = "within_spread"
        case uncalled
    }
}

/// `compare --rounds N`: each run is N records of the same kernel booted N
/// times (A, B, A, B, ... by bench/vm/run --rounds), pooled into one run
/// whose samples are all its rounds' samples, with each result's
/// between-boot and within-boot spread.
public enum RoundPooling {
    /// `paths` grouped N at a time, in order: the first N are run A's
    /// rounds, the next N run B's, ... A usage error unless there are at
    /// least two groups of exactly N.
    public static func groups<T>(_ paths: [T], rounds: Int) throws -> [[T]] {
        guard rounds >= 1 else { throw HMMBenchError.usage("--rounds must be 1 or more (got \(rounds))") }
        guard paths.count % rounds == 0, paths.count / rounds >= 2 else {
            throw HMMBenchError.usage("--rounds \(rounds) wants N files per run, run A's rounds first, at least two runs "
                                      + "(got \(paths.count) files)",
                                      hint: "hmmbench compare --rounds 2 A-r1.json A-r2.json B-r1.json B-r2.json")
        }
        return stride(from: 0, to: paths.count, by: rounds).map { Array(paths[$0..<($0 + rounds)]) }
    }

    /// One run out of its rounds: results matched on flow + params, their
    /// samples (and counters, pages done) concatenated in round order; a
    /// result some rounds lack is pooled from the rounds that have it. The
    /// environment, suite and start are the first round's; complete only
    /// when every round is; failures and skips of every round are kept.
    /// Also returns each result's spread over the rounds, by match key.
    public static func pool(_ rounds: [LoadedRun], label: String) -> (run: LoadedRun, spreads: [String: BootSpread]) {
        precondition(!rounds.isEmpty)
        var record = rounds[0].record
        var order: [String] = []
        var byKey: [String: [FlowResult]] = [:]
        for round in rounds {
            var seen = Set<String>()
            for r in round.record.results where seen.insert(r.matchKey).inserted {
                if byKey[r.matchKey] == nil { order.append(r.matchKey) }
                byKey[r.matchKey, default: []].append(r)
            }
        }
        record.results = order.map { merge(byKey[$0]!) }
        record.failed = rounds.flatMap(\.record.failed)
        record.skipped = rounds.flatMap(\.record.skipped)
        record.complete = rounds.allSatisfy(\.record.complete)
        if !record.complete {
            record.incompleteReason = rounds.enumerated().compactMap { i, r in
                r.record.complete ? nil : "round \(i + 1): \(r.record.incompleteReason ?? "incomplete")"
            }.joined(separator: "; ")
        }
        var spreads: [String: BootSpread] = [:]
        for key in order {
            spreads[key] = BootSpread(run: label, perRound: byKey[key]!.map(\.samplesNs))
        }
        let name = rounds.map(\.name).joined(separator: "+")
        var run = LoadedRun(path: rounds.map(\.path).joined(separator: "+"), record: record)
        run.name = name
        return (run, spreads)
    }

    /// One result from the same result of several rounds.
    static func merge(_ parts: [FlowResult]) -> FlowResult {
        var r = parts[0]
        guard parts.count > 1 else { return r }
        r.samplesNs = parts.flatMap(\.samplesNs)
        r.warmup = parts.map(\.warmup).reduce(0, +)
        if parts.allSatisfy({ $0.pagesDone != nil }) {
            r.pagesDone = parts.flatMap { $0.pagesDone! }
        } else if parts.contains(where: { $0.pagesDone != nil }) {
            r.pagesDone = parts.flatMap { p in p.pagesDone ?? Array(repeating: p.pagesPerOp, count: p.samplesNs.count) }
        }
        var counters: [String: CounterSummary] = [:]
        for name in Set(parts.flatMap(\.counters.keys)) {
            let have = parts.compactMap { $0.counters[name] }
            counters[name] = CounterSummary(source: have[0].source, perRepetition: have.flatMap(\.perRepetition))
        }
        r.counters = counters
        r.check = FlowCheck(passed: parts.allSatisfy(\.check.passed),
                            detail: parts.enumerated().filter { !$0.element.check.passed }
                                .map { "round \($0.offset + 1): \($0.element.check.detail)" }.first ?? r.check.detail)
        r.notes = Array(Set(parts.flatMap(\.notes))).sorted()
        r.resummarize()
        return r
    }

    /// The change boots alone make for a difference of pooled means, in
    /// percent of `base`'s pooled mean; nil without 2 rounds on each side.
    static func spreadPct(base: BootSpread, new: BootSpread, baseMeanNs: Double) -> Double? {
        guard let sa = base.betweenSDNs, let sb = new.betweenSDNs, baseMeanNs != 0 else { return nil }
        let dfA = Double(base.rounds - 1), dfB = Double(new.rounds - 1)
        let pooledSD = ((dfA * sa * sa + dfB * sb * sb) / (dfA + dfB)).squareRoot()
        let t = Statistics.tQuantile(0.975, degreesOfFreedom: dfA + dfB)
        let se = pooledSD * (1 / Double(base.rounds) + 1 / Double(new.rounds)).squareRoot()
        return t * se / abs(baseMeanNs) * 100
    }
}

extension Comparison {
    /// `compare --rounds N`: each group is one run's rounds (boots), pooled
    /// (`RoundPooling.pool`) and compared as `build` does; then each
    /// result gets its runs' between-boot and within-boot spread, and a
    /// change smaller than the change boots alone make
    /// (`RoundPooling.spreadPct`) is not called. Groups of one round are
    /// a plain comparison.
    public static func build(rounds groups: [[LoadedRun]], options: CompareOptions) throws -> Comparison {
        guard groups.contains(where: { $0.count > 1 }) else { return try build(groups.compactMap(\.first), options: options) }
        let pooled = groups.enumerated().map { RoundPooling.pool($0.element, label: RunHeader.label($0.offset)) }
        var c = try build(pooled.map(\.run), options: options)
        c.rounds = groups.map(\.count).max() ?? 1
        for i in c.results.indices {
            let key = c.results[i].key
            c.results[i].boots = pooled.compactMap { $0.spreads[key] }
            guard let base = pooled[0].spreads[key],
                  let time = c.results[i].metrics.firstIndex(where: { $0.name == "time" }) else { continue }
            let baseMean = c.results[i].metrics[time].cells[0].mean
            for t in c.results[i].tests.indices {
                let run = c.results[i].tests[t].run
                guard let new = c.results[i].boots.first(where: { $0.run == run }),
                      let spread = RoundPooling.spreadPct(base: base, new: new, baseMeanNs: baseMean),
                      let change = c.results[i].metrics[time].cells.first(where: { $0.run == run })?.changePct
                else { continue }
                let within = abs(change) < spread
                let uncalled = within && c.results[i].tests[t].significant
                if uncalled {
                    c.results[i].tests[t].significant = false
                    c.results[i].tests[t].verdict = "no change"
                    for m in c.results[i].metrics.indices {
                        for k in c.results[i].metrics[m].cells.indices where c.results[i].metrics[m].cells[k].run == run {
                            c.results[i].metrics[m].cells[k].significant = false
                            c.results[i].metrics[m].cells[k].verdict = "no change"
                        }
                    }
                }
                c.results[i].bootNoise.append(BootNoise(run: run, changePct: change, spreadPct: spread,
                                                        withinSpread: within, uncalled: uncalled))
            }
        }
        c.multipleTesting.called = c.results.flatMap(\.tests).filter(\.significant).count
        if let pct = options.failOnRegressionPct {
            c.gate = RegressionGate.evaluate(c.results, thresholdPct: pct, gateSimulated: options.gateSimulated,
                                             allRunsSimulated: Set(c.runs.map(\.backend)) == [.simulated])
        }
        return c
    }
}
