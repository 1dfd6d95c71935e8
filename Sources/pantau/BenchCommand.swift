import ArgumentParser
import Foundation
import PantauCore
import PantauProbes

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (loopback only; see docs/performance.md).",
        subcommands: [ICMPBench.self, SNMPBench.self, StorageBench.self, WebBench.self, PostgresBench.self])
}

/// Pings N loopback addresses (127.10.0.1 …) for a few rounds through the real socket transport.
struct ICMPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "icmp", abstract: "Ping N loopback targets per round with the engine's socket transport.")

    /// Accepted like every subcommand's; the benchmark itself uses generated loopback targets only.
    @OptionGroup var location: LocationOptions

    @Option(help: "Number of loopback targets (at most 1,000,000).")
    var targets: Int = 5000

    @Option(help: "Rounds to run (bounded: at most 100).")
    var rounds: Int = 5

    @Option(help: "Echo requests per target per round.")
    var packets: Int = 1

    @Option(help: "Send rate limit, packets per second.")
    var rate: Int = 1_000_000

    @Flag(help: "Only print the target addresses, one per line (for fping -f).")
    var printTargets = false

    @Flag(help: "Print one JSON line instead of text.")
    var json = false

    static func address(_ i: Int) -> [UInt8] {
        [127, UInt8(10 + i / 65025), UInt8((i / 255) % 255), UInt8(i % 255 + 1)]
    }

    func validate() throws {
        guard (1...1_000_000).contains(targets) else { throw ValidationError("--targets must be 1...1000000") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1...100") }
        guard (1...10).contains(packets) else { throw ValidationError("--packets must be 1...10") }
    }

    func run() async throws {
        let list = (0..<targets).map(Self.address)
        precondition(list.allSatisfy { $0[0] == 127 }, "bench targets must be loopback")
        if printTargets {
            print(list.map { $0.map(String.init).joined(separator: ".") }.joined(separator: "\n"))
            return
        }
        let transport = try failing { try SocketEchoTransport() }
        let echo = list.map { EchoTarget(address: $0, packets: packets, packetGapMs: 0, timeoutMs: 1000) }
        var walls: [Double] = []
        var replies = 0, sent = 0
        let cpu0 = cpuSeconds()
        for _ in 0..<rounds {
            let t0 = Date()
            let ex = try await transport.exchange(echo, maxRate: rate)
            walls.append(Date().timeIntervalSince(t0))
            replies += ex.replies.count
            sent += ex.sent.reduce(0, +)
        }
        let cpu = (cpuSeconds() - cpu0) / Double(rounds)
        let sorted = walls.sorted()
        let median = sorted[sorted.count / 2]
        if json {
            print("{\"tool\":\"pantau\",\"targets\":\(targets),\"rounds\":\(rounds),\"sent\":\(sent),\"replies\":\(replies),"
                  + "\"wall_s_median\":\(String(format: "%.4f", median)),\"cpu_s_per_round\":\(String(format: "%.4f", cpu)),"
                  + "\"socket\":\"\(transport.mode.rawValue)\"}")
        } else {
            print("pantau bench icmp: \(targets) targets x \(rounds) rounds (\(transport.mode.rawValue) socket): "
                  + "\(replies)/\(sent) replies; per round wall median \(String(format: "%.4f", median)) s, "
                  + "CPU \(String(format: "%.4f", cpu)) s")
        }
    }
}

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}
