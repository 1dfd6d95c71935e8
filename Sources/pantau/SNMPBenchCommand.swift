import ArgumentParser
import Foundation
import PantauCore
import PantauNetSNMP
import PantauProbes

/// Polls N loopback SNMP endpoints (127.20.0.1 …, as started by scripts/bench-snmp.sh) for a few
/// rounds through the real net-snmp transport: sysUpTime plus the IF-MIB columns the engine reads.
struct SNMPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snmp", abstract: "Poll N loopback snmpd endpoints per round with the engine's SNMP transport.")

    @OptionGroup var location: LocationOptions

    @Option(help: "Number of devices (loopback endpoints 127.20.x.y), at most 60,000.")
    var devices: Int = 100

    @Option(help: "A file of targets instead, one `ADDRESS[:PORT]` per line (loopback only: 127.0.0.0/8).")
    var targets: String?

    @Option(help: "Table columns to walk, comma-separated numeric OIDs (default: the engine's IF-MIB columns).")
    var columns: String?

    @Option(help: "UDP port every endpoint listens on.")
    var port: UInt16 = 16_100

    @Option(help: "v2c community of the endpoints.")
    var community: String = "pantau-bench"

    @Option(help: "Use this profile of the SNMP credentials file instead (e.g. an SNMPv3 authPriv profile).")
    var profile: String?

    @Option(help: "Rounds to run (at most 100).")
    var rounds: Int = 3

    @Option(help: "Devices walked at once.")
    var maxInFlight: Int = 128

    @Option(help: "Per-request timeout in seconds.")
    var timeout: Double = 2

    @Flag(help: "Only print the endpoint addresses, one per line.")
    var printTargets = false

    @Flag(help: "Print one JSON line instead of text.")
    var json = false

    static func address(_ i: Int) -> String { "127.20.\(i / 250).\(i % 250 + 1)" }

    func validate() throws {
        guard (1...60_000).contains(devices) else { throw ValidationError("--devices must be 1...60000") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1...100") }
    }

    func run() async throws {
        if printTargets {
            for i in 0..<devices { print(Self.address(i)) }
            return
        }
        let transport = NetSNMPTransport(maxInFlight: maxInFlight)
        var endpoints = (0..<devices).map { (Self.address($0), port) }
        if let targets {
            guard let text = try? String(contentsOfFile: targets, encoding: .utf8) else { throw usageError(Self.self, "cannot read \(targets)") }
            endpoints = try text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { line in
                let p = line.split(separator: ":")
                guard let host = p.first, p.count <= 2, let prt = p.count == 2 ? UInt16(p[1]) : port else {
                    throw usageError(Self.self, "\(targets): '\(line)' is not ADDRESS[:PORT]")
                }
                return (String(host), prt)
            }
        }
        guard endpoints.allSatisfy({ IPv4Literal.parse($0.0)?.first == 127 }) else {
            throw usageError(Self.self, "bench targets must be loopback addresses (127.0.0.0/8): the benchmark never polls a real network")
        }
        var cols = SNMPObjects.interfaceColumns
        if let columns {
            cols = try columns.split(separator: ",").map { c in
                guard let oid = OID(parsing: c.trimmingCharacters(in: .whitespaces)) else { throw usageError(Self.self, "'\(c)' is not a numeric OID") }
                return oid
            }
        }
        var credentials = SNMPCredentials.v2c(community, profile: "bench")
        if let profile {
            guard let c = try location.load(printWarnings: false).credentials[profile] else {
                throw usageError(Self.self, "no profile '\(profile)' in the SNMP credentials file")
            }
            credentials = c
        }
        let requests = endpoints.enumerated().map { i, e in
            SNMPRequest(id: "d\(i)", host: e.0, port: e.1, credentials: credentials,
                        scalars: [SNMPObjects.sysUpTime], columns: cols, timeoutSeconds: timeout, retries: 1)
        }
        var walls: [Double] = []
        var bindings = 0, failed = 0, trips = 0
        for _ in 0..<rounds {
            let t0 = Date()
            let rs = await transport.execute(requests)
            walls.append(Date().timeIntervalSince(t0))
            bindings = rs.reduce(0) { $0 + $1.varBinds.count }
            failed = rs.filter { $0.failure != nil }.count
            trips = rs.reduce(0) { $0 + $1.roundTrips }
        }
        let sorted = walls.sorted()
        let median = sorted[sorted.count / 2]
        if json {
            print("{\"devices\":\(requests.count),\"rounds\":\(rounds),\"median_round_s\":\(String(format: "%.4f", median)),"
                  + "\"total_s\":\(String(format: "%.4f", walls.reduce(0, +))),\"bindings_per_round\":\(bindings),"
                  + "\"pdus_per_round\":\(trips),\"failed_devices\":\(failed)}")
        } else {
            print("pantau bench snmp: \(requests.count) devices x \(rounds) rounds: median round \(String(format: "%.3f", median)) s, "
                  + "\(bindings) bindings and \(trips) responses per round, \(failed) devices failed")
        }
    }
}
