import Foundation
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit
import ServiceLifecycle
import Synchronization

/// Prints month-to-date availability every `everySeconds` of simulated time during the demo.
final class DemoReporter: Service, Sendable {
    let query: AvailabilityQuery
    let store: Store
    let clock: any WallClock
    let lang: Language
    let everySeconds: Double
    /// The instant of the last table printed (a final table at the same instant is not repeated).
    let lastPrinted = Mutex<EpochSeconds?>(nil)

    init(query: AvailabilityQuery, store: Store, clock: any WallClock, lang: Language, everySeconds: Double) {
        self.query = query
        self.store = store
        self.clock = clock
        self.lang = lang
        self.everySeconds = everySeconds
    }

    func run() async throws {
        let first = clock.now() + everySeconds
        try? await cancelWhenGracefulShutdown {
            var next = first
            while !Task.isCancelled {
                try await self.clock.sleep(until: next)
                await self.printSummary(final: false)
                next += self.everySeconds
            }
        }
    }

    /// Month-to-date and today's availability of the sites that were not fully up.
    func printSummary(final: Bool) async {
        let id = lang == .id
        // Every figure of a table from one instant: the last one every prober has recorded
        // (the clock runs on while the latest round is still being written).
        let heartbeats = ((try? await store.sourceHealth()) ?? []).map(\.lastSeen)
        let now = min(EpochSeconds(clock.now()), heartbeats.min() ?? EpochSeconds(clock.now()))
        guard lastPrinted.withLock({ p in defer { p = now }; return p != now }) || !final else {
            printClosing(id: id, month: nil)
            return
        }
        let cal = query.calendar
        let today = cal.localDate(of: now)
        let monthSpan = TimeRange(cal.range(of: YearMonth(today)).start, now)
        let daySpan = TimeRange(cal.instant(today, secondOfDay: 0), now)
        guard let month = try? await query.compute(store: store, span: monthSpan),
              let day = try? await query.compute(store: store, span: daySpan) else { return }
        let affected = day.filter { $0.downSeconds + $0.unreachableSeconds > 0 }
        let tz = cal.timeZone
        let hdr = id ? "Ketersediaan s.d. \(ISO8601.clock(now, in: tz)) (hari ini: jam kerja sejak 08:00; bulan ini terukur: tanpa waktu tanpa data)"
                     : "Availability up to \(ISO8601.clock(now, in: tz)) (today: working time since 08:00; month: known = excluding no-data time)"
        say("\n" + hdr)
        let byId = Dictionary(month.map { ($0.target, $0) }, uniquingKeysWith: { a, _ in a })
        var rows = [id ? ["Situs", "Putus", "Tak terjangkau", "Hari ini %", "Bulan ini terukur %", "SLA"]
                       : ["Site", "Down", "Unreachable", "Today %", "Month known %", "SLA"]]
        for r in affected {
            let m = byId[r.target]
            rows.append([r.target, AvailabilityFormat.hms(r.downSeconds), AvailabilityFormat.hms(r.unreachableSeconds),
                         r.availability?.percentString(decimals: 2) ?? "-", m?.knownAvailability?.percentString(decimals: 2) ?? "-",
                         m?.meetsTarget.map { $0 ? (id ? "memenuhi" : "met") : (id ? "TIDAK" : "MISSED") } ?? "-"])
        }
        if affected.isEmpty {
            say(id ? "  semua situs aktif sepanjang jam kerja hari ini" : "  every site up for all of today's working time")
        } else {
            say(TextTable.render(rows, rightAligned: [1, 2, 3, 4]).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        let fullUp = day.filter { $0.downSeconds + $0.unreachableSeconds == 0 && $0.upSeconds > 0 }.count
        say(id ? "  \(fullUp) situs lain aktif penuh. Putus = gangguan di situs itu; tak terjangkau = induknya juga putus."
               : "  \(fullUp) other sites fully up. Down = fault at that site; unreachable = its parent was down too.")
        if final { printClosing(id: id, month: month.first.map { ($0.scheduledSeconds, affected.first?.target) }) }
    }

    /// Where to look next, and how to read what one sees there after a demo.
    func printClosing(id: Bool, month: (scheduled: Int64, site: String?)?) {
        let db = store.path
        let site = month?.site.map { " --site \($0)" } ?? ""
        if let m = month {
            let h = m.scheduled / 3600, mm = (m.scheduled % 3600) / 60
            say(id ? "\nCatatan: bulan ini sejauh ini berisi \(h) j \(mm) m jam kerja terjadwal; waktu sebelum demo tercatat 'tanpa data', maka 'Bulan ini terukur %' dihitung atas waktu yang terukur saja (availability bulanan penuh di basis data demo akan tampak rendah)."
                   : "\nNote: this month holds \(h) h \(mm) m of scheduled working time so far; the time before the demo is recorded as 'no data', so 'Month known %' counts measured time only (the full-month availability of the demo database will look low).")
        }
        say(id ? """
            Selesai. Kisah demo ini:
              pantau tickets list --db \(db)                         tiket yang dibuka dan sebabnya
              pantau availability --db \(db) --explain\(site)   jendela kerja dan setiap interval di balik angka
              pantau status --db \(db)                               (demo sudah berhenti: semua situs kini 'tanpa data')
            """ : """
            Done. The demo's story:
              pantau tickets list --db \(db)                         the tickets opened and why
              pantau availability --db \(db) --explain\(site)   the working windows and every interval behind the figures
              pantau status --db \(db)                               (the demo has stopped: every site is now 'no data')
            """)
    }
}
