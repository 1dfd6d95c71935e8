import Foundation
import PantauCore

/// Bandwidth tests with stock iperf3 (Debian `iperf3`), one `iperf3 --json` subprocess per
/// test with a hard timeout, its report decoded with Codable. A subprocess rather than
/// libiperf: libiperf keeps global state, blocks its thread for the whole test and reports a
/// failed connect as success; a process isolates all of that and can be killed.
public struct IPerf3Transport: BandwidthTransport {
    public let executable: String
    /// Seconds allowed beyond the test's duration (connect, slow start, the server's report).
    public let slackSeconds: Double

    public init(executable: String = "/usr/bin/iperf3", slackSeconds: Double = 15) {
        self.executable = executable
        self.slackSeconds = slackSeconds
    }

    /// The iperf3 arguments of one test direction.
    public static func arguments(_ spec: BandwidthTestSpec, direction: BandwidthDirection) -> [String] {
        var args = ["--client", spec.server, "--port", String(spec.port), "--time", String(spec.durationSeconds), "--json",
                    "--connect-timeout", "5000"]
        if direction == .download { args.append("--reverse") }
        if spec.proto == .udp { args += ["--udp", "--bitrate", "\(Int((spec.udpRateMbps ?? 10) * 1_000_000))"] }
        return args
    }

    public func run(_ spec: BandwidthTestSpec, direction: BandwidthDirection, at: EpochSeconds) async -> BandwidthResult {
        let failed = { (why: String) in
            BandwidthResult(target: spec.target, at: at, direction: direction, proto: spec.proto, server: spec.server,
                            durationSeconds: 0, error: why)
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return failed("iperf3 is not installed (apt-get install iperf3)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = Self.arguments(spec, direction: direction)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return failed("starting iperf3: \(error.localizedDescription)") }
        // The hard timeout: a hung server or a black-holed path never holds the engine. The
        // blocking read and wait run on a dispatch thread, never on Swift's cooperative pool.
        let deadline = Double(spec.durationSeconds) + slackSeconds
        let pid = p.processIdentifier
        let data: Data = await withCheckedContinuation { cont in
            DispatchQueue.global().async {
                // SIGHUP first: an engine that traps SIGTERM passes it on to its children as ignored.
                let term = DispatchWorkItem { kill(pid, SIGHUP) }, kill9 = DispatchWorkItem { kill(pid, SIGKILL) }
                DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: term)
                DispatchQueue.global().asyncAfter(deadline: .now() + deadline + 2, execute: kill9)
                let d = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                term.cancel()
                kill9.cancel()
                cont.resume(returning: d)
            }
        }
        if p.terminationReason == .uncaughtSignal {
            return failed("iperf3 timed out after \(Int(deadline)) s (server \(spec.server):\(spec.port))")
        }
        do {
            let report = try JSONDecoder().decode(IPerf3Report.self, from: data)
            if let e = report.error { return failed(e) }
            return report.result(spec, direction: direction, at: at)
        } catch {
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return failed("iperf3 gave no report (exit \(p.terminationStatus)): \(stderr.prefix(300))")
        }
    }
}

/// The parts of `iperf3 --json` that Pantau keeps.
struct IPerf3Report: Decodable {
    struct Sum: Decodable {
        var seconds: Double?
        var bits_per_second: Double?
        var retransmits: Int?
        var jitter_ms: Double?
        var lost_percent: Double?
    }
    struct End: Decodable {
        var sum_sent: Sum?
        var sum_received: Sum?
        /// UDP: the receiver's loss and jitter.
        var sum: Sum?
    }
    struct Interval: Decodable { var sum: Sum? }
    var intervals: [Interval]?
    var end: End?
    var error: String?

    func result(_ spec: BandwidthTestSpec, direction: BandwidthDirection, at: EpochSeconds) -> BandwidthResult {
        let sent = end?.sum_sent, received = end?.sum_received
        var r = BandwidthResult(target: spec.target, at: at, direction: direction, proto: spec.proto, server: spec.server,
                               durationSeconds: sent?.seconds ?? received?.seconds ?? 0, senderBps: sent?.bits_per_second,
                               receiverBps: received?.bits_per_second ?? end?.sum?.bits_per_second, retransmits: sent?.retransmits,
                               jitterMs: spec.proto == .udp ? (end?.sum?.jitter_ms ?? received?.jitter_ms) : nil,
                               lossPct: spec.proto == .udp ? (end?.sum?.lost_percent ?? received?.lost_percent) : nil)
        // Per-interval rates of the stream sum (the last, partial interval of under half a second left out).
        let each = (intervals ?? []).compactMap(\.sum).filter { ($0.seconds ?? 1) >= 0.5 }.compactMap(\.bits_per_second)
        if !each.isEmpty { r.intervalsBps = each }
        return r
    }
}
