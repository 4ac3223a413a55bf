import ArgumentParser
import Foundation
import HMMBench

/// `hmmbench list`: every flow with its parameters, and the suites.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List flows with their parameters, and the suites.",
        discussion: """
        Give a flow name to see only it. Parameters are given to 'hmmbench run --flow NAME key=value ...'. \
        Each suite shows how many runs it plans and the combinations its lines expand to that can never \
        be valid (e.g. size=64K with a 2 MiB huge page mapping), which it leaves out.
        """
    )

    @Argument(help: "Show only this flow.")
    var flow: String?

    @Option(name: .customLong("suite-dir"), help: ArgumentHelp("Folder with NAME.suite files.", valueName: "dir"))
    var suiteDirectory: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let listing = try FlowListing.make(catalog: .standard, only: flow, suiteDirectory: suiteDirectory)
        print(json ? try JSONOutput.string(listing) : listing.text())
    }
}
