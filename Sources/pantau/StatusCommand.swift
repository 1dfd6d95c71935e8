import ArgumentParser
import Foundation
import PantauCore
import PantauStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Every site's and watched link's current state, since when, last RTT/loss and traffic/optical power (from the database).")

    @OptionGroup var location: LocationOptions

    @Option(help: "Output: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Language of the table: id or en.")
    var lang: Language = .id

    func run() throws {
        let config = try location.load()
        let inv = config.inventory
        let tz = TimeZone(identifier: inv.timezone) ?? .current
        let store = try failing { try location.openStore() }
        let status = try failing { try store.currentStatus() }
        let now = EpochSeconds(Date().timeIntervalSince1970)
        struct Line { var id: String; var name: String; var state: TargetState; var since: EpochSeconds?; var rtt: Double?; var loss: Double? }
        let lines: [Line] = inv.sites.map { site in
            guard let s = status[site.id] else { return Line(id: site.id, name: site.name, state: .unknown, since: nil, rtt: nil, loss: nil) }
            var state = s.state, since = s.since
            // An engine that stopped heartbeating (killed, host down) no longer vouches for the state.
            let settings = config.probes.icmp(for: site)
            let staleAfter = EpochSeconds(2 * settings.intervalSeconds + settings.timeoutMs / 1000 + 5)
            if state != .unknown, !s.sessionEnded, let seen = s.lastSeen, now - seen > staleAfter {
                state = .unknown
                since = seen
            }
            return Line(id: site.id, name: site.name, state: state, since: since, rtt: s.rttMs, loss: s.lossPct)
        }
        let linkLast = (try? store.linkLast()) ?? [:]
        let links: [LinkLine] = inv.links.filter { !$0.ends.isEmpty }.map { link in
            var state = status[link.id]?.state ?? .unknown, since = status[link.id]?.since
            let settings = inv.devices.first { $0.id == link.ends[0].device }.map { config.snmp.settings(for: $0) } ?? config.snmp.defaults
            let staleAfter = EpochSeconds(2 * settings.intervalSeconds) + EpochSeconds(settings.timeoutSeconds * Double(settings.retries + 1)) + 5
            if let s = status[link.id], state != .unknown, !s.sessionEnded, let seen = s.lastSeen, now - seen > staleAfter {
                state = .unknown
                since = seen
            }
            return LinkLine(id: link.id, kind: link.kind.rawValue, state: state, since: since, last: linkLast[link.id])
        }
        if format == .json {
            let items = lines.map { l in
                "{\"id\":\(jsonString(l.id)),\"state\":\"\(l.state.rawValue)\","
                    + "\"since\":\(l.since.map { "\"\(ISO8601.format($0, in: tz))\"" } ?? "null"),"
                    + "\"rtt_ms\":\(l.rtt.map { String(format: "%.3f", $0) } ?? "null"),"
                    + "\"loss_pct\":\(l.loss.map { String(format: "%.1f", $0) } ?? "null")}"
            }
            let linkItems = links.map { l in
                "{\"id\":\(jsonString(l.id)),\"kind\":\"\(l.kind)\",\"state\":\"\(l.state.rawValue)\","
                    + "\"since\":\(l.since.map { "\"\(ISO8601.format($0, in: tz))\"" } ?? "null"),"
                    + "\"in_bps\":\(l.last?.inBps.map { String(format: "%.0f", $0) } ?? "null"),"
                    + "\"out_bps\":\(l.last?.outBps.map { String(format: "%.0f", $0) } ?? "null"),"
                    + "\"rx_dbm\":\(l.last?.rxDbm.map { String(format: "%.2f", $0) } ?? "null"),"
                    + "\"tx_dbm\":\(l.last?.txDbm.map { String(format: "%.2f", $0) } ?? "null"),"
                    + "\"optical\":\(l.last?.opticalLevel.map { "\"\($0)\"" } ?? "null"),"
                    + "\"detail\":\(jsonString(l.last?.detail ?? ""))}"
            }
            print("{\"sites\":[\(items.joined(separator: ","))],\"links\":[\(linkItems.joined(separator: ","))]}")
            return
        }
        let id = lang == .id
        let label: [TargetState: String] = id ? [.up: "AKTIF", .down: "PUTUS", .unknown: "tanpa data"] : [.up: "UP", .down: "DOWN", .unknown: "unknown"]
        var rows = [id ? ["Situs", "Nama", "Status", "Sejak", "RTT ms", "Loss %"] : ["Site", "Name", "State", "Since", "RTT ms", "Loss %"]]
        for l in lines {
            rows.append([l.id, String(l.name.prefix(40)), label[l.state]!, l.since.map { ISO8601.format($0, in: tz) } ?? "-",
                         l.rtt.map { String(format: "%.2f", $0) } ?? "-", l.loss.map { String(format: "%.0f", $0) } ?? "-"])
        }
        let counts = Dictionary(grouping: lines, by: \.state).mapValues(\.count)
        if !links.isEmpty {
            var lrows = [id ? ["Tautan", "Jenis", "Status", "Sejak", "Masuk Mbps", "Keluar Mbps", "Rx dBm", "Keterangan"]
                            : ["Link", "Kind", "State", "Since", "In Mbps", "Out Mbps", "Rx dBm", "Detail"]]
            for l in links {
                lrows.append([l.id, l.kind, label[l.state]!, l.since.map { ISO8601.format($0, in: tz) } ?? "-",
                              l.last?.inBps.map { String(format: "%.2f", $0 / 1e6) } ?? "-",
                              l.last?.outBps.map { String(format: "%.2f", $0 / 1e6) } ?? "-",
                              l.last?.rxDbm.map { String(format: "%.2f", $0) } ?? "-", String((l.last?.detail ?? "").prefix(60))])
            }
            print(TextTable.render(lrows, rightAligned: [4, 5, 6]))
            print("")
        }
        print(TextTable.render(rows, rightAligned: [4, 5]))
        print(id ? "\naktif \(counts[.up] ?? 0), putus \(counts[.down] ?? 0), tanpa data \(counts[.unknown] ?? 0)"
                 : "\nup \(counts[.up] ?? 0), down \(counts[.down] ?? 0), unknown \(counts[.unknown] ?? 0)")
    }
}

struct LinkLine {
    var id: String
    var kind: String
    var state: TargetState
    var since: EpochSeconds?
    var last: LinkLast?
}
