import ArgumentParser
import Foundation
import PantauCore
import PantauPostgres
import PantauReports
import PantauSQLite
import PantauStoreKit

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Every site's and watched link's current state, since when, last RTT/loss and traffic/optical power (from the database).")

    @OptionGroup var location: LocationOptions

    @Option(help: "Output: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Language of the table: id or en.")
    var lang: Language = .id

    func run() async throws {
        let config = try location.load(readOnly: true)
        let query = StatusQuery(inventory: config.inventory, probes: config.probes, snmp: config.snmp, bandwidth: config.bandwidth)
        let report: StatusReport
        if let url = location.storeAddress, PostgresLocation.isURL(url) {
            // The central store: every engine's view of each site (up while any live engine says up).
            let pg = try await failingAsync { try await PostgresStore.open(try PostgresLocation(url), engine: "status") }
            await pg.setLiveWithin(PostgresStore.defaultLiveWithin)
            do { report = try await failingAsync { try await query.build(store: pg, now: EpochSeconds(Date().timeIntervalSince1970)) } } catch {
                await pg.close()
                throw error
            }
            await pg.close()
        } else {
            let store = try failing { try location.openStore(.readOnly) }
            report = try await failingAsync { try await query.build(store: store, now: EpochSeconds(Date().timeIntervalSince1970)) }
        }
        // The engine's store writer reports a failing database here (it cannot write it into the database).
        let health = FileManager.default.contents(atPath: location.databasePath + ".health.json")
            .flatMap { try? JSONDecoder().decode(StoreHealth.self, from: $0) }
        if format == .json {
            var out = report
            out.storeHealth = health.map(StatusReport.StoreHealthLine.init)
            print(String(decoding: try JSONEncoder.pantau.encode(out), as: UTF8.self))
            return
        }
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        if let health, let since = health.failingSince {
            printErr(lang == .id
                ? "PERHATIAN: basis data gagal ditulis sejak \(ISO8601.format(since, in: tz)) (\(health.pendingBatches) hasil menunggu di memori): \(health.lastError ?? "")"
                : "WARNING: the database has failed to write since \(ISO8601.format(since, in: tz)) (\(health.pendingBatches) results waiting in memory): \(health.lastError ?? "")")
        } else if let health, let from = health.lastOutageFrom, let to = health.lastOutageTo {
            printErr(lang == .id ? "catatan: basis data gagal ditulis \(ISO8601.format(from, in: tz)) - \(ISO8601.format(to, in: tz)); semua hasil sudah tercatat"
                                 : "note: the database failed to write \(ISO8601.format(from, in: tz)) - \(ISO8601.format(to, in: tz)); everything was recorded after")
        }
        for (service, f) in (health?.services ?? [:]).sorted(by: { $0.key < $1.key }) {
            printErr(lang == .id
                ? "PERHATIAN: layanan \(service) tidak dapat memakai basis data sejak \(ISO8601.format(f.since, in: tz)) (\(f.attempts) percobaan; tetap berjalan dan mencoba lagi): \(f.error)"
                : "WARNING: the \(service) service cannot use the database since \(ISO8601.format(f.since, in: tz)) (\(f.attempts) attempts; it keeps running and retries): \(f.error)")
        }
        for (prober, f) in (health?.probers ?? [:]).sorted(by: { $0.key < $1.key }) {
            printErr(lang == .id
                ? "PERHATIAN: \(prober) tidak berjalan sejak \(ISO8601.format(f.since, in: tz)) (\(f.attempts) percobaan; pemantauan lain tetap berjalan, dicoba lagi): \(f.error)"
                : "WARNING: \(prober) has not been running since \(ISO8601.format(f.since, in: tz)) (\(f.attempts) attempts; the rest of the monitoring goes on, it is retried): \(f.error)")
        }
        if let step = health?.clockStep {
            printErr(lang == .id
                ? "PERHATIAN: jam sistem melompat \(ClockStepText.signed(step.offset)) detik (terlihat \(ISO8601.format(step.noticedAt, in: tz))); engine tetap memakai waktu monoton, tidak ada selang yang terhapus atau memanjang, tetapi cap waktunya berbeda dari jam sistem sampai engine dijalankan ulang"
                : "WARNING: the system clock stepped \(ClockStepText.signed(step.offset)) s (noticed \(ISO8601.format(step.noticedAt, in: tz))); the engine keeps its monotonic timeline, no interval is erased or stretched, but its stamps differ from the system clock until the engine is restarted")
        }
        for s in report.sources where s.state == "running" || s.state == "stale" {
            guard let notice = s.notice else { continue }
            printErr(lang == .id ? "PERHATIAN: \(s.source) mulai dengan spool baru: \(notice)" : "WARNING: \(s.source) started on a fresh spool: \(notice)")
        }
        let id = lang == .id
        let label: [TargetState: String] = id ? [.up: "AKTIF", .down: "PUTUS", .unknown: "tanpa data"] : [.up: "UP", .down: "DOWN", .unknown: "unknown"]
        let siteLabel: [StatusReport.SiteState: String] = id
            ? [.up: "AKTIF", .down: "PUTUS", .unknown: "tanpa data", .unresolved: "NAMA TAK TERESOLUSI"]
            : [.up: "UP", .down: "DOWN", .unknown: "unknown", .unresolved: "UNRESOLVED"]
        var rows = [id ? ["Situs", "Nama", "Status", "Sejak", "RTT ms", "Loss %"] : ["Site", "Name", "State", "Since", "RTT ms", "Loss %"]]
        for l in report.sites {
            rows.append([l.id, String(l.name.prefix(40)), siteLabel[l.state]!, l.since ?? "-",
                         l.rttMs.map { String(format: "%.2f", $0) } ?? "-", l.lossPct.map { String(format: "%.0f", $0) } ?? "-"])
        }
        let counts = Dictionary(grouping: report.sites, by: \.state).mapValues(\.count)
        if !report.links.isEmpty {
            var lrows = [id ? ["Tautan", "Jenis", "Status", "Sejak", "Masuk Mbps", "Keluar Mbps", "Rx dBm", "Keterangan"]
                            : ["Link", "Kind", "State", "Since", "In Mbps", "Out Mbps", "Rx dBm", "Detail"]]
            for l in report.links {
                lrows.append([l.id, l.kind, label[l.state]!, l.since ?? "-",
                              l.inBps.map { String(format: "%.2f", $0 / 1e6) } ?? "-",
                              l.outBps.map { String(format: "%.2f", $0 / 1e6) } ?? "-",
                              l.rxDbm.map { String(format: "%.2f", $0) } ?? "-", String(l.detail.prefix(60))])
            }
            print(TextTable.render(lrows, rightAligned: [4, 5, 6]))
            print("")
        }
        print(TextTable.render(rows, rightAligned: [4, 5]))
        for l in report.sites where l.state == .unresolved { print("\(l.id): \(l.detail ?? "")") }
        let unresolvedCount = counts[.unresolved].map { id ? ", nama tak teresolusi \($0)" : ", unresolved \($0)" } ?? ""
        print((id ? "\naktif \(counts[.up] ?? 0), putus \(counts[.down] ?? 0), tanpa data \(counts[.unknown] ?? 0)"
                  : "\nup \(counts[.up] ?? 0), down \(counts[.down] ?? 0), unknown \(counts[.unknown] ?? 0)") + unresolvedCount)
        if let bw = report.bandwidth, !bw.isEmpty {
            let verdictName: [String: String] = id ? ["ok": "memenuhi", "short": "kurang", "below-contract": "DI BAWAH KONTRAK", "no-figure": "gagal uji"]
                                                   : ["ok": "ok", "short": "short", "below-contract": "BELOW CONTRACT", "no-figure": "no figure"]
            var brows = [id ? ["Uji bandwidth", "Arah", "Waktu", "Mbps", "Kontrak", "Hasil"] : ["Bandwidth test", "Direction", "At", "Mbps", "Contract", "Verdict"]]
            for b in bw {
                brows.append([b.target, b.direction, b.at, b.mbps.map { String(format: "%.2f", $0) } ?? "-",
                              b.contractMbps.map { String(format: "%.0f", $0) } ?? "-", (verdictName[b.verdict] ?? b.verdict) + (b.error.map { ": \($0)" } ?? "")])
            }
            print("")
            print(TextTable.render(brows, rightAligned: [3, 4]))
        }
        for r in report.bandwidthRunning ?? [] {
            print(id ? "Uji bandwidth berjalan: \(r.target) oleh \(r.holder), sejak \(r.since) (paling lama sampai \(r.until)); jalur: \(r.links.joined(separator: ", "))"
                     : "Bandwidth test running: \(r.target) by \(r.holder), since \(r.since) (at the latest until \(r.until)); path: \(r.links.joined(separator: ", "))")
        }
        for c in report.capture ?? [] {
            print("")
            print(id ? "Tangkapan lalu lintas \(c.interface): \(c.received) paket diterima, \(c.dropped) dibuang kernel, \(c.interfaceDropped) dibuang antarmuka, "
                       + "\(c.unattributed) di luar subnet OPD (per \(c.at))"
                     : "Traffic capture \(c.interface): \(c.received) packets received, \(c.dropped) dropped by the kernel, \(c.interfaceDropped) by the interface, "
                       + "\(c.unattributed) outside every OPD subnet (as of \(c.at))")
        }
        if !report.sources.isEmpty {
            let stateName: [String: String] = id ? ["running": "berjalan", "stale": "macet", "stopped": "berhenti", "crashed": "mati mendadak"]
                                                 : [:]
            var srows = [id ? ["Sumber", "Status", "Detak terakhir", "Siklus mulai", "Durasi ms", "Terbaca/semua", "Diperiksa", "Menjawab", "Terlambat", "ICMP asing"]
                            : ["Source", "State", "Last heartbeat", "Cycle start", "Took ms", "Read/all", "Probed", "Answered", "Late", "Foreign ICMP"]]
            for s in report.sources {
                let read = s.total.map { "\(s.current ?? 0)/\($0)" } ?? "-"
                srows.append([s.source, stateName[s.state] ?? s.state, s.lastSeen, s.cycleStarted ?? "-", s.cycleMs.map(String.init) ?? "-",
                              read, s.done.map(String.init) ?? "-", s.answered.map(String.init) ?? "-", s.late.map(String.init) ?? "-",
                              s.foreign.map(String.init) ?? "-"])
            }
            print("")
            print(TextTable.render(srows, rightAligned: [4, 5, 6, 7, 8, 9]))
            for s in report.sources where s.state == "running" || s.state == "stale" {
                guard let total = s.total, let current = s.current, current < total else { continue }
                let missing = total - current
                print(id ? "\(s.source): \(missing) dari \(total) target tidak terbaca dalam intervalnya:"
                         : "\(s.source): \(missing) of \(total) targets not read within their interval:")
                for u in s.unread ?? [] {
                    let last = u.lastRead.map { id ? "terakhir terbaca \($0)" : "last read \($0)" } ?? (id ? "belum pernah terbaca" : "never read")
                    print("  \(u.id) (\(last)): \(String(u.why.prefix(120)))")
                }
                let named = s.unread?.count ?? 0
                if named < missing { print(id ? "  … dan \(missing - named) lainnya" : "  … and \(missing - named) more") }
            }
        }
    }
}
