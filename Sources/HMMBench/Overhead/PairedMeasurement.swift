/// Interleaves two timers of the same work in short alternating blocks,
/// so that drift of the machine (a noisy neighbour, a host that slows
/// down) hits both alike instead of whichever ran second.
///
/// Block `i` runs `blocks[i]` measured repetitions of each tool (each
/// block with its own warm-up, the same for both: the caller's closures
/// do it). The order alternates: hmm-ref first in even blocks, hmmbench
/// first in odd ones, so neither always follows the other.
public enum PairedMeasurement {
    /// One of the two timers.
    public enum Tool: String, Codable, Sendable {
        case reference = "hmm-ref"
        case hmmbench
    }

    /// One block as it ran: which tool, how many measured repetitions.
    public struct Turn: Codable, Equatable, Sendable {
        public var tool: Tool
        public var repetitions: Int

        public init(tool: Tool, repetitions: Int) {
            self.tool = tool
            self.repetitions = repetitions
        }
    }

    /// The tools in the order they run in block `index`.
    public static func order(block index: Int) -> [Tool] {
        index % 2 == 0 ? [.reference, .hmmbench] : [.hmmbench, .reference]
    }

    /// Runs the blocks; `reference` and `hmmbench` are given a count of
    /// measured repetitions and return exactly that many samples (ns).
    /// Returns both series (blocks concatenated, in run order) and the
    /// turns as they ran. A closure's error ends the measurement.
    public static func run(blocks: [Int], reference: (Int) throws -> [UInt64], hmmbench: (Int) throws -> [Double],
                           progress: (Int, Tool) -> Void = { _, _ in })
        throws -> (reference: [UInt64], hmmbench: [Double], turns: [Turn]) {
        var ref: [UInt64] = []
        var hb: [Double] = []
        var turns: [Turn] = []
        for (i, n) in blocks.enumerated() where n > 0 {
            for tool in order(block: i) {
                progress(i, tool)
                switch tool {
                case .reference: ref += try reference(n)
                case .hmmbench: hb += try hmmbench(n)
                }
                turns.append(Turn(tool: tool, repetitions: n))
            }
        }
        return (ref, hb, turns)
    }
}
