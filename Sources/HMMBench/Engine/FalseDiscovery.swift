extension Statistics {
    /// Benjamini-Hochberg adjusted p-values (q-values) of `ps`, in their
    /// order, as scipy.stats.false_discovery_control(ps, method='bh'):
    /// q(i) = min over j with p(j) >= p(i) of m p(j) / rank(j), at most 1.
    /// Calling a difference wherever q <= alpha keeps the expected share
    /// of false discoveries among those called at most alpha (for
    /// independent or positively dependent tests).
    public static func benjaminiHochberg(_ ps: [Double]) -> [Double] {
        let m = ps.count
        guard m > 0 else { return [] }
        let order = ps.indices.sorted { ps[$0] < ps[$1] }
        var q = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m, through: 1, by: -1) {
            let i = order[rank - 1]
            running = Swift.min(running, ps[i] * Double(m) / Double(rank))
            q[i] = Swift.min(1, running)
        }
        return q
    }
}
