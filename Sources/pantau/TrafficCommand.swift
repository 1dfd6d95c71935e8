import ArgumentParser
import Foundation
import PantauCapture
import PantauCore
import PantauInventory
import PantauProbes
import PantauSQLite
import PantauStoreKit

/// `pantau traffic`: mirrored traffic per OPD (per-site subnets), top talkers and the capture's
/// own counters; `pantau traffic replay FILE` counts a capture file with the same code.
struct TrafficCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic", abstract: "Traffic per OPD from the mirror-port capture (probes/capture.yaml).",
        subcommands: [TrafficShow.self, TrafficReplay.self], defaultSubcommand: TrafficShow.self)
}

struct TrafficShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Bytes per OPD and direction over a recent span, with top talkers.")
    @OptionGroup var location: LocationOptions
    @Option(help: "Span ending now: 15m, 1h, 24h (per minute up to 8 days, per hour beyond).") var last: String = "1h"
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Top talkers to list (0: none).") var talkers: Int = 10
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func run() async throws {
        let config = try location.load(readOnly: true)
        guard let ms = YAMLDuration.milliseconds(last), ms >= 60_000 else {
            throw usageError(Self.self, "--last takes a span of at least a minute, like 15m, 1h or 24h")
        }
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let seconds = Int64(ms / 1000)
        let resolution: Int64 = seconds > 8 * 86_400 ? 3600 : 60
        let range = TimeRange(now - seconds, now + 1)
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        // Conversations summed over the span; with --site, only those of that site's subnets.
        let within = site.map { id in SubnetMap(sites: config.inventory.sites.filter { $0.id == id }) }
        let (site, talkers) = (self.site, self.talkers)
        let (rows, top, stats) = try await location.withStore(.readOnly) { store in
            (try await store.opdTraffic(range, resolution: resolution, sites: site.map { [$0] }),
             talkers > 0 ? TalkerSample.ranked(try await store.topTalkers(range), within: within) : [],
             try await store.captureStatistics())
        }
        let figures = TrafficFigures(rows: rows, seconds: Double(seconds), names: config.inventory)
        if format == .json {
            struct Out: Encodable {
                var span_s: Int64
                var sites: [TrafficFigures.Site]
                var talkers: [TalkerSample]
                var capture: [CaptureStatistics]
            }
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            print(String(decoding: try e.encode(Out(span_s: seconds, sites: figures.sites, talkers: Array(top.prefix(talkers)),
                                                    capture: stats.map(\.stats))), as: UTF8.self))
            return
        }
        if config.capture.interface == nil && rows.isEmpty {
            print("No capture configured (probes/capture.yaml: capture.interface) and no traffic recorded.")
        }
        var table = [["site", "name", "in (to OPD)", "out (from OPD)", "avg in Mbit/s", "avg out Mbit/s", "packets"]]
        for s in figures.sites {
            table.append([s.site, s.name, Self.bytes(s.in_bytes), Self.bytes(s.out_bytes), String(format: "%.2f", s.avg_in_mbps),
                          String(format: "%.2f", s.avg_out_mbps), "\(s.in_packets + s.out_packets)"])
        }
        print("Traffic per OPD, last \(last):")
        print(TextTable.render(table, rightAligned: [2, 3, 4, 5, 6]))
        if !top.isEmpty {
            var t = [["first seen", "source", "destination", "service", "bytes"]]
            for x in top.prefix(talkers) {
                t.append([ISO8601.format(x.bucket, in: tz), x.source, x.destination, x.service, Self.bytes(x.bytes)])
            }
            print("\nTop talkers:")
            print(TextTable.render(t, rightAligned: [4]))
        }
        for (at, c) in stats {
            print("\ncapture \(c.interface): \(c.received) packets received, \(c.dropped) dropped by the kernel, \(c.interfaceDropped) by the interface; "
                  + "\(c.unattributed) IP packets outside every OPD subnet, \(c.nonIP) not IP (as of \(ISO8601.format(at, in: tz)))")
        }
    }

    static func bytes(_ b: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = Double(b), i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(b) B" : String(format: "%.2f %@", v, units[i])
    }
}

/// Per-OPD totals over a span, as `traffic show` and its JSON print them.
struct TrafficFigures {
    struct Site: Encodable {
        var site, name: String
        var in_bytes, out_bytes, in_packets, out_packets: Int64
        var avg_in_mbps, avg_out_mbps: Double
    }
    var sites: [Site] = []

    init(rows: [OPDTrafficSample], seconds: Double, names: Inventory) {
        var by: [String: OPDTrafficSample] = [:]
        for r in rows {
            var t = by[r.site] ?? OPDTrafficSample(site: r.site, bucket: r.bucket)
            t.inBytes += r.inBytes
            t.outBytes += r.outBytes
            t.inPackets += r.inPackets
            t.outPackets += r.outPackets
            by[r.site] = t
        }
        sites = by.values.sorted { ($0.inBytes + $0.outBytes, $1.site) > ($1.inBytes + $1.outBytes, $0.site) }.map {
            Site(site: $0.site, name: names.site($0.site)?.name ?? "", in_bytes: $0.inBytes, out_bytes: $0.outBytes,
                 in_packets: $0.inPackets, out_packets: $0.outPackets,
                 avg_in_mbps: Double($0.inBytes) * 8 / seconds / 1e6, avg_out_mbps: Double($0.outBytes) * 8 / seconds / 1e6)
        }
    }
}

/// Counts a capture file (tcpdump -w) per OPD with the engine's capture code, as fast as it reads:
/// the benchmark against `tcpdump -r FILE -w /dev/null` (docs/performance.md).
struct TrafficReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Count a pcap file per OPD (and time it).")
    @OptionGroup var location: LocationOptions
    @Argument(help: "A pcap file (tcpdump -w).") var file: String
    @Option(help: "A BPF filter (tcpdump syntax).") var filter: String = ""
    @Flag(help: "Print one JSON line.") var json = false

    func run() async throws {
        let config = try location.load(readOnly: true)
        var c = config.capture
        c.filter = filter
        let capture = PcapCapture(.file(file), config: c)
        let tap = TrafficTap(map: SubnetMap(sites: config.inventory.sites), bucketSeconds: c.bucketSeconds, interface: file)
        let cpu0 = cpuSeconds(), wall0 = Date()
        do { try capture.start(tap) } catch let e as CaptureError {
            printErr("pantau: \(e)")
            throw ExitCode(1)
        }
        while !tap.ended.withLock({ $0.done }) { try await Task.sleep(for: .milliseconds(5)) }
        capture.stop()
        let wall = Date().timeIntervalSince(wall0), cpu = cpuSeconds() - cpu0
        if let e = tap.ended.withLock({ $0.error }) {
            printErr("pantau: \(e)")
            throw ExitCode(1)
        }
        let rows = tap.counter.withLock { $0.drain(upTo: .max) }
        let stats = tap.statistics.withLock { $0 }
        let figures = TrafficFigures(rows: rows, seconds: 1, names: config.inventory)
        if json {
            struct Out: Encodable {
                var packets: Int64, wall_s: Double, cpu_s: Double, packets_per_cpu_s: Double
                var sites: [TrafficFigures.Site]
                var unattributed: Int64, non_ip: Int64
            }
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            print(String(decoding: try e.encode(Out(packets: stats.received, wall_s: wall, cpu_s: cpu, packets_per_cpu_s: Double(stats.received) / max(cpu, 1e-6),
                                                    sites: figures.sites, unattributed: stats.unattributed, non_ip: stats.nonIP)), as: UTF8.self))
            return
        }
        var table = [["site", "in bytes", "out bytes", "in packets", "out packets"]]
        for s in figures.sites { table.append([s.site, "\(s.in_bytes)", "\(s.out_bytes)", "\(s.in_packets)", "\(s.out_packets)"]) }
        print(TextTable.render(table, rightAligned: [1, 2, 3, 4]))
        print(String(format: "%lld packets in %.3f s (%.3f s CPU): %.0f packets per CPU second; %lld outside every OPD subnet, %lld not IP",
                     stats.received, wall, cpu, Double(stats.received) / max(cpu, 1e-6), stats.unattributed, stats.nonIP))
    }
}
