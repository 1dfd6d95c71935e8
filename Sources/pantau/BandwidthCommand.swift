import ArgumentParser
import Foundation
import PantauCore
import PantauInventory
import PantauProbes
import PantauReports
import PantauSQLite
import PantauStoreKit
import UnixSignals

/// `pantau bandwidth test|history`: achievable throughput against iperf3 servers, judged
/// against the contracted bandwidth.
struct BandwidthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bandwidth", abstract: "Bandwidth tests (iperf3) against the contracted bandwidth of a link or site.",
        subcommands: [BandwidthTest.self, BandwidthHistory.self, BandwidthAcceptance.self, BandwidthServe.self])


    static func mbps(_ bps: Double?) -> String { bps.map { String(format: "%.2f", $0 / 1_000_000) } ?? "-" }
}

struct BandwidthTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run the bandwidth tests of a link or site now (probes/bandwidth.yaml) and record them.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "The link or site id.") var target: String
    @Option(help: "Seconds per direction (default: the configured duration).") var duration: Int?
    @Option(help: "upload, download or both (default: the configured direction).") var direction: BandwidthDirection?
    @Flag(help: "A result below contract opens (or updates) the link's notice ticket, as a scheduled test would.") var record = false

    func run() async throws {
        let config = try location.load(readOnly: true)
        let inv = config.inventory
        var specs = config.bandwidth.tests.filter { $0.target == target }
        guard !specs.isEmpty else {
            let known = Set(config.bandwidth.tests.map(\.target)).sorted()
            throw usageError(Self.self, "no bandwidth test for '\(target)' in probes/bandwidth.yaml"
                             + (known.isEmpty ? " (it lists none)" : " (tests exist for: \(known.joined(separator: ", ")))"))
        }
        for i in specs.indices {
            if let duration { specs[i].durationSeconds = max(1, min(300, duration)) }
            if let direction { specs[i].direction = direction }
        }
        let tz = TimeZone(identifier: inv.timezone) ?? .current
        let cal = WorkingCalendar(spec: inv.calendar, timeZone: tz)
        let now = EpochSeconds(Date().timeIntervalSince1970)
        if cal.workingSeconds(from: now, to: now + 1) > 0 {
            printErr("warning: this is working time (\(ISO8601.format(now, in: tz))): the test fills the link the OPD is using")
        }
        let transport = IPerf3Transport()
        let contract = inv.contractMbps(target)
        let judge = BandwidthJudge(config: config.bandwidth)
        var rows = [["direction", "protocol", "server", "received Mbps", "sent Mbps", "retransmits", "jitter ms", "loss %", "of contract", "verdict"]]
        var failed = 0, below = false
        let seconds = specs.reduce(0.0) { $0 + Double(($1.direction == .both ? 2 : 1) * ($1.durationSeconds + 15)) }
        try await location.withBandwidthLease(target: target, inventory: inv, seconds: seconds, holder: LocationOptions.cliHolder) {
        for spec in specs {
            let directions: [BandwidthDirection] = spec.direction == .both ? [.upload, .download] : [spec.direction]
            for d in directions {
                let r = await transport.run(spec, direction: d, at: EpochSeconds(Date().timeIntervalSince1970))
                let target = self.target
                let recent = try await location.withStore(.create) { store in
                    try await store.recordBandwidth([r])
                    return try await store.bandwidthHistory(target: target, direction: d, limit: 10)
                }.filter { $0.proto == spec.proto }
                if let e = r.error { failed += 1; printErr("\(target) \(d.rawValue): \(e)") }
                let v = judge.verdict(contractMbps: contract, recent: recent)
                if v == .belowContract { below = true }
                let verdict: String = switch v {
                case .ok: contract == nil ? "no contract" : "ok"
                case .short(let n): "short (\(n) of \(config.bandwidth.consecutive))"
                case .belowContract: "BELOW CONTRACT"
                case .noFigure: "no figure"
                }
                rows.append([d.rawValue, spec.proto.rawValue, "\(spec.server):\(spec.port)", BandwidthCommand.mbps(r.receiverBps),
                             BandwidthCommand.mbps(r.senderBps), r.retransmits.map(String.init) ?? "-",
                             r.jitterMs.map { String(format: "%.3f", $0) } ?? "-", r.lossPct.map { String(format: "%.2f", $0) } ?? "-",
                             zip2(r.mbps, contract).map { String(format: "%.0f%%", $0 / $1 * 100) } ?? "-", verdict])
            }
        }
        }
        print("\(target): " + (contract.map { "contract \(AvailabilityFormat.fmt($0)) Mbps, short below \(AvailabilityFormat.fmt(config.bandwidth.thresholdPct))%" }
                               ?? "no bandwidth_mbps in the inventory"))
        print(TextTable.render(rows, rightAligned: [3, 4, 5, 6, 7, 8]))
        if below {
            if record {
                let number = try await recordShortfall(config)
                print("\(target): contract not met: notice \(number)")
            } else {
                print("\(target): contract not met; no notice opened (--record opens it; scheduled tests open it by themselves)")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
        guard let a, let b, b > 0 else { return nil }
        return (a, b)
    }
}

struct BandwidthHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Recorded bandwidth tests of a link or site, newest first.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "The link or site id.") var target: String
    @Option(help: "Output: table or json.") var format: OutputFormat = .table
    @Option(help: "At most this many rows.") var limit: Int = 50

    func run() async throws {
        let config = try location.load(readOnly: true)
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let (target, limit) = (self.target, self.limit)
        let rows = try await location.withStore(.readOnly) { try await $0.bandwidthHistory(target: target, direction: nil, limit: max(1, limit)) }
        if format == .json {
            struct Line: Encodable {
                var target, at, direction, proto, server: String
                var duration_s: Double
                var sender_bps, receiver_bps, jitter_ms, loss_pct: Double?
                var retransmits: Int?
                var error: String?
                enum CodingKeys: String, CodingKey {
                    case target, at, direction, proto = "protocol", server, duration_s, sender_bps, receiver_bps, jitter_ms, loss_pct, retransmits, error
                }
            }
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            let lines = rows.map { r in
                Line(target: r.target, at: ISO8601.format(r.at, in: tz), direction: r.direction.rawValue, proto: r.proto.rawValue, server: r.server,
                     duration_s: r.durationSeconds, sender_bps: r.senderBps, receiver_bps: r.receiverBps, jitter_ms: r.jitterMs,
                     loss_pct: r.lossPct, retransmits: r.retransmits, error: r.error)
            }
            print(String(decoding: try e.encode(lines), as: UTF8.self))
            return
        }
        var table = [["at", "direction", "protocol", "received Mbps", "sent Mbps", "retransmits", "loss %", "error"]]
        for r in rows {
            table.append([ISO8601.format(r.at, in: tz), r.direction.rawValue, r.proto.rawValue, BandwidthCommand.mbps(r.receiverBps),
                          BandwidthCommand.mbps(r.senderBps), r.retransmits.map(String.init) ?? "-",
                          r.lossPct.map { String(format: "%.2f", $0) } ?? "-", r.error ?? ""])
        }
        print(TextTable.render(table, rightAligned: [3, 4, 5, 6]))
    }
}

struct BandwidthAcceptance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acceptance",
        abstract: "The installation test of a link: both directions against its contract, recorded, with a printable acceptance record (HTML).")
    @OptionGroup var location: LocationOptions
    @Argument(help: "The link id.") var link: String
    @Option(help: "Seconds per direction (default 600: the installation SOP's 10-minute test; a shorter test says so on the record).") var duration: Int?
    @Option(help: "The officer who ran the test (name, NIP).") var by: String
    @Option(help: "The installer / vendor who signs the record with the office (company and name).") var vendor: String
    @Option(help: "The contract or work order (SPK) the link was installed under.") var contract: String?
    @Option(help: "The record's number in the office's register (default: UT/LINK/YYYYMMDD-HHMM).") var number: String?
    @Option(help: "The installation ticket this test accepts (its closing needs a passed test).") var ticket: String?
    @Option(help: "Language of the record: id or en.") var lang: Language = .id
    @Option(help: "Output file: .html or .pdf (default: uji-terima-LINK-YYYY-MM-DD.html; - for HTML on stdout).") var out: String?

    func run() async throws {
        let config = try location.load(readOnly: true)
        let inv = config.inventory
        guard let l = inv.link(link) else { throw usageError(Self.self, "no link with id '\(link)' in the inventory") }
        guard var spec = config.bandwidth.tests.first(where: { $0.target == link && $0.proto == .tcp }) else {
            throw usageError(Self.self, "no TCP bandwidth test for '\(link)' in probes/bandwidth.yaml (it names the iperf3 server)")
        }
        spec.direction = .both
        spec.durationSeconds = max(5, min(3600, duration ?? BandwidthAcceptanceDocument.sopSeconds))
        var ticketID: Int64?
        if let ticket {
            // Checked before the test runs: minutes of iperf3 for a wrong number would be wasted.
            let found = try await location.withStore(.create) { try await $0.ticket(ticket) }
            guard let t = found, t.kind == Ticket.installationKind, t.link == link, t.state != .closed else {
                throw usageError(Self.self, "\(ticket) is not an open installation ticket of \(link) (pantau tickets install --link \(link) …)")
            }
            ticketID = t.id
        }
        let transport = IPerf3Transport()
        var results: [BandwidthResult] = []
        try await location.withBandwidthLease(target: link, inventory: inv, seconds: Double(2 * (spec.durationSeconds + 15)),
                                              holder: LocationOptions.cliHolder) {
            for d in [BandwidthDirection.upload, .download] {
                results.append(await transport.run(spec, direction: d, at: EpochSeconds(Date().timeIntervalSince1970)))
            }
        }
        let contract = inv.contractMbps(link)
        let at = EpochSeconds(Date().timeIntervalSince1970)
        let tz = TimeZone(identifier: inv.timezone) ?? .current
        let stamp = ISO8601.format(at, in: tz)
        let registered = number ?? "UT/\(link)/" + stamp.prefix(10).replacingOccurrences(of: "-", with: "") + "-"
            + stamp.dropFirst(11).prefix(5).replacingOccurrences(of: ":", with: "")
        let doc = BandwidthAcceptanceDocument(link: l, inventory: inv, results: results, contractMbps: contract, config: config.bandwidth,
                                              report: config.report,
                                              parties: .init(number: registered, contractReference: self.contract, officer: by, vendor: vendor),
                                              spec: spec, at: at, lang: lang == .en ? .en : .id)
        let custom = location.inventoryDirectory.appendingPath("templates/bandwidth-acceptance.mustache")
        let html = try doc.html(templateFile: custom)
        do {  // every acceptance test is recorded, with its ticket when it has one
            let up = results.first { $0.direction == .upload }?.mbps, down = results.first { $0.direction == .download }?.mbps
            let record = AcceptanceRecord(link: link, ticketID: ticketID, at: EpochSeconds(Date().timeIntervalSince1970), officer: by,
                                          passed: doc.view.passed, uploadMbps: up, downloadMbps: down, contractMbps: contract,
                                          verdict: doc.view.verdict, html: html)
            // The measurements and the acceptance record, written after the test (no connection held through it).
            _ = try await location.withStore(.create) { store in
                try await store.recordBandwidth(results)
                return try await store.recordAcceptance(record)
            }
        }
        let path = out ?? "uji-terima-\(link)-\(stamp.prefix(10)).html"
        if path == "-" { print(html) } else if path.hasSuffix(".pdf") {
            try failing { try WeasyPrint.renderBlocking(html: html, to: path) }
            print("\(path): \(doc.view.verdict)")
        } else {
            do { try html.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                printErr("pantau: writing \(path): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            print("\(path): \(doc.view.verdict)")
        }
        for r in results where r.error != nil { printErr("\(link) \(r.direction.rawValue): \(r.error!)") }
        // A record that does not pass is still written and kept; the command says it failed.
        if !doc.view.passed {
            printErr("pantau: \(link): \(doc.view.verdict)")
            throw ExitCode(1)
        }
    }
}

/// `pantau bandwidth serve`: an iperf3 server for the tests of other engines (at a POP or OPD),
/// kept running: restarted when it exits (with a growing pause, at most 20 times in a row),
/// stopped cleanly on SIGTERM/SIGINT or after `--seconds`.
struct BandwidthServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run an iperf3 server for bandwidth tests (restarted if it exits).")
    @Option(help: "Address to listen on.") var listen: String = "0.0.0.0"
    @Option(help: "TCP/UDP port.") var port: Int = 5201
    @Option(help: "Stop after this many seconds (default: run until SIGTERM).") var seconds: Double?

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/iperf3") else {
            printErr("pantau: bandwidth serve needs iperf3: apt-get install iperf3")
            throw ExitCode(1)
        }
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        print("pantau: iperf3 server on \(listen):\(port)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in signals { return } }
            if let seconds { group.addTask { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) } }
            group.addTask { try await supervise() }
            _ = try await group.next()
            group.cancelAll()
        }
        print("pantau: iperf3 server stopped")
    }

    /// Runs iperf3 until cancelled (then stops it and waits for it), restarting it when it exits.
    func supervise() async throws {
        var restarts = 0
        while !Task.isCancelled {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/iperf3")
            p.arguments = ["--server", "--bind", listen, "--port", String(port)]
            let exited = AsyncStream<Void> { cont in p.terminationHandler = { _ in cont.yield(); cont.finish() } }
            try p.run()
            // SIGHUP, not SIGTERM: this process traps SIGTERM/SIGINT, and ignored signals are
            // inherited across exec, so iperf3 would not hear them. iperf3 exits on SIGHUP.
            let pid = p.processIdentifier
            await withTaskCancellationHandler {
                for await _ in exited { break }
            } onCancel: {
                kill(pid, SIGHUP)
            }
            if Task.isCancelled {
                for _ in 0..<40 where p.isRunning { try? await Task.sleep(nanoseconds: 50_000_000) }
                if p.isRunning { kill(pid, SIGKILL) }
                p.waitUntilExit()
                return
            }
            restarts += 1
            printErr("pantau: iperf3 exited (status \(p.terminationStatus)); restarting (\(restarts))")
            if restarts > 20 { throw ExitCode(1) }
            try await Task.sleep(nanoseconds: UInt64(min(5, restarts)) * 1_000_000_000)
        }
    }
}

extension BandwidthDirection: ExpressibleByArgument {}
