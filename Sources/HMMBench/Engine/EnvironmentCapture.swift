import Foundation

/// Captures the run environment once, at the start of a run.
public enum EnvironmentCapture {
    public static func capture(_ selection: BackendSelection, commandLine: [String] = CommandLine.arguments,
                               pinnedCPU: Int? = nil) -> RunEnvironment {
        RunEnvironment(
            backend: selection.mirror.kind, uapi: selection.mirror.uapi.name,
            virtualization: SystemFacts.virtualization(), kernel: SystemFacts.kernel(), cpu: SystemFacts.cpu(),
            thp: SystemFacts.thp(), hugetlb: SystemFacts.hugetlb(), numa: selection.migrator.topology,
            devices: recordedDevices(selection.mirror), hmmbenchVersion: HMMBenchVersion.string,
            commandLine: commandLine, hostname: SystemFacts.hostname(), pinnedCPU: pinnedCPU,
            simProfile: (selection.mirror as? SimulatedBackend)?.profile.span)
    }

    /// The devices as a run record states them: a simulated backend's
    /// devices are `simulated`, never `present` (no device node was used,
    /// so the record never claims hardware).
    public static func recordedDevices(_ mirror: MirrorBackend) -> [DeviceDescriptor] {
        let devices = mirror.devices()
        guard mirror.kind == .simulated else { return devices }
        return devices.map { d in
            var r = d
            r.simulated = d.present
            r.present = false
            return r
        }
    }

    /// Now, as ISO 8601 UTC ("2026-11-21T12:49:25Z").
    public static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
