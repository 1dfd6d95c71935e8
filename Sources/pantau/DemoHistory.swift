import Foundation
import PantauCore
import PantauHelpdesk
import PantauSQLite
import PantauStoreKit

/// Last month for the demo's database, so `pantau report --month <last month>` has a whole
/// month to show: every site up but for a scripted undersea-cable cut, an OPD whose power was
/// off (closed as the OPD's, so excused), an OPD whose switch failed for three working days
/// (Diskominfo's, below 90%), and two hours when the monitor itself was down (no data). Written
/// through the same import and ticket paths the real tools use, labelled as simulated history.
enum DemoHistory {
    static let label = "pantau demo: simulated history of last month"

    struct Outage {
        var root: RootCause.Element
        var cause: SuspectedCause
        var sites: [String]
        var range: TimeRange
        var priority: Priority
        var closing: String
        var problem: String
        var work: String
    }

    /// Writes last month (relative to `today`) and returns it.
    /// `helpdesk` closes the month's tickets with their Berita Acara archived (nobody is told: it is past history).
    static func seed(store: Store, inventory inv: Inventory, calendar cal: WorkingCalendar, today: LocalDate, helpdesk: Helpdesk) async throws -> YearMonth {
        let month = YearMonth(today).previous
        let span = cal.range(of: month)
        let workdays = month.days.filter { cal.windows(on: $0) != nil }
        func at(_ i: Int, _ h: Int, _ m: Int = 0) -> EpochSeconds { cal.instant(workdays[min(i, workdays.count - 1)], secondOfDay: h * 3600 + m * 60) }
        let topo = Topology(inv)
        let opds = inv.sites.filter { $0.role == .opd && $0.address != nil }
        var outages: [Outage] = []
        if let l = inv.links.first(where: { $0.kind == .foUndersea }) ?? inv.links.first(where: { $0.kind.isFiber }) {
            let reach = topo.reachable(inventory: inv, failedSites: [], failedLinks: [l.id])
            let cut = inv.sites.map(\.id).filter { !reach.contains($0) }.sorted()
            outages.append(Outage(root: .link(l.id), cause: .foCut, sites: cut, range: TimeRange(at(3, 9, 10), at(3, 15, 40)), priority: .p1,
                                  closing: "fo-cut", problem: "Kabel \(l.name ?? l.id) putus tersangkut jangkar kapal",
                                  work: "Penyambungan kabel (splicing) dan uji OTDR"))
        }
        if opds.count > 4 {
            let power = opds[opds.count / 2], sw = opds[opds.count / 4]
            outages.append(Outage(root: .site(power.id), cause: .opdDeviceOrPower, sites: [power.id], range: TimeRange(at(8, 10), at(8, 15)),
                                  priority: .p3, closing: "opd-power", problem: "Listrik gedung \(power.name) padam, UPS habis",
                                  work: "Perangkat dinyalakan kembali setelah listrik pulih"))
            outages.append(Outage(root: .site(sw.id), cause: .siteDown, sites: [sw.id], range: TimeRange(at(12, 8, 30), at(15, 11)),
                                  priority: .p2, closing: "diskominfo-device", problem: "Switch distribusi Diskominfo di \(sw.name) rusak",
                                  work: "Switch diganti dengan unit cadangan"))
        }
        let monitorDown = TimeRange(at(17, 13), at(17, 15))   // the monitor itself was stopped: no data for anyone
        var rows: [HistoryRow] = []
        for target in inv.sites.map(\.id) + inv.links.filter({ !$0.ends.isEmpty }).map(\.id) {
            var down = IntervalSet(outages.filter { o in
                o.sites.contains(target) || { if case .link(let id) = o.root { return id == target } else { return false } }()
            }.map(\.range))
            down = down.subtracting(IntervalSet(monitorDown))
            let up = IntervalSet(span).subtracting(down).subtracting(IntervalSet(monitorDown))
            for r in up.ranges { rows.append(HistoryRow(line: rows.count + 2, target: target, state: .up, range: r)) }
            for r in down.ranges { rows.append(HistoryRow(line: rows.count + 2, target: target, state: .down, range: r)) }
        }
        _ = try await store.importHistory(rows, file: label, at: max(span.end, EpochSeconds(Date().timeIntervalSince1970)))
        for o in outages {
            let root = RootCause(element: o.root, cause: o.cause, affectedSites: o.sites, startedAt: o.range.start,
                                 evidence: ["\(label): \(o.problem)"])
            let d = PriorityDecision(priority: o.priority, impact: .medium, urgency: .high, score: 0,
                                     reason: "\(o.priority.rawValue) (\(label))")
            let (t, _) = try await store.openTicket(root, decision: d, at: o.range.start + 90, month: month.description, reopenWithin: 0)
            _ = try await store.acknowledgeTicket(t.number, by: "Petugas NOC (demo)", at: o.range.start + 600)
            _ = try await store.resolveTicket(rootKey: root.key, recoveredAt: o.range.end, at: o.range.end + 60, detail: "pulih")
            _ = try await helpdesk.close(t.number, beritaAcara: BeritaAcara(
                officers: ["Petugas Lapangan (demo)"], problemSummary: o.problem, workSummary: o.work, alternativeSolution: "-",
                location: inv.site(o.sites.first ?? "")?.name ?? "", cause: o.closing), at: o.range.end + 3600, notify: false)
        }
        return month
    }
}
