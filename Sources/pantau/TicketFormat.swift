import ArgumentParser
import Foundation
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

/// How tickets are printed: table, JSON, and the full text of one ticket.
enum TicketFormat {
    static func load(_ store: any TicketStore, _ number: String) async throws -> (Ticket, [TicketEvent]) {
        guard let t = try await failingAsync({ try await store.ticket(number) }) else {
            printErr("pantau: no ticket \(number) (see 'pantau tickets list')")
            throw ExitCode(1)
        }
        return (t, try await failingAsync { try await store.ticketEvents(t.id) })
    }


    static func json(_ t: Ticket, tz: TimeZone, timers: TicketTimers? = nil, events: [TicketEvent]? = nil) -> String {
        String(decoding: try! JSONEncoder.pantau.encode(TicketView(t, tz: tz, timers: timers, events: events)), as: UTF8.self)
    }

    static func json(_ tickets: [Ticket], tz: TimeZone) -> String {
        String(decoding: try! JSONEncoder.pantau.encode(tickets.map { TicketView($0, tz: tz) }), as: UTF8.self)
    }

    static let stateID: [Ticket.State: String] = [.open: "terbuka", .acknowledged: "ditangani", .resolved: "pulih", .closed: "ditutup"]

    static func table(_ tickets: [Ticket], inventory: Inventory, tz: TimeZone, lang: Language) -> String {
        let id = lang == .id
        var rows = [id ? ["Nomor", "Status", "Prioritas", "Dugaan penyebab", "Akar", "Situs terdampak", "Dibuka", "Pulih"]
                       : ["Number", "State", "Priority", "Suspected cause", "Root", "Affected sites", "Opened", "Recovered"]]
        for t in tickets {
            let cause = id ? t.cause.textID : t.cause.rawValue
            let affected = t.affectedSites.isEmpty ? (id ? "- (pemberitahuan)" : "- (notice)")
                : "\(t.affectedSites.count): " + t.affectedSites.prefix(4).joined(separator: ", ") + (t.affectedSites.count > 4 ? ", …" : "")
            rows.append([t.number, id ? stateID[t.state]! : t.state.rawValue, t.priority.rawValue, cause, t.root, affected,
                         ISO8601.format(t.openedAt, in: tz), t.recoveredAt.map { ISO8601.format($0, in: tz) } ?? "-"])
        }
        if tickets.isEmpty { return id ? "Tidak ada tiket." : "No tickets." }
        return TextTable.render(rows, rightAligned: [])
    }

    static func text(_ t: Ticket, events: [TicketEvent], timers: TicketTimers, inventory: Inventory, tz: TimeZone, lang: Language) -> String {
        let id = lang == .id
        var out = "\(t.number)  \(t.priority.rawValue)  \(id ? stateID[t.state]!.uppercased() : t.state.rawValue.uppercased())"
            + (t.kind == "notice" ? (id ? "  (pemberitahuan, tidak ada situs terputus)" : "  (notice: no site cut off)") : "")
            + (t.kind == Ticket.reportedKind ? (id ? "  (laporan OPD)" : "  (reported by an OPD)") : "")
            + (t.kind == Ticket.installationKind ? (id ? "  (pemasangan \(t.link ?? ""))" : "  (installation of \(t.link ?? ""))") : "") + "\n"
        if let m = t.mergedInto { out += (id ? "Digabung ke tiket \(m)\n" : "Merged into ticket \(m)\n") }
        if t.escalationLevel > 1 { out += (id ? "Level eskalasi: " : "Escalation level: ") + "\(t.escalationLevel)\n" }
        let rootName = t.rootKey.hasPrefix("link:") ? inventory.link(t.root).map { "\($0.name ?? $0.id) (\($0.kind.rawValue), \($0.from) - \($0.to))" }
            : inventory.site(t.root).map(\.name)
        out += (id ? "Dugaan penyebab: " : "Suspected cause: ") + "\(t.cause.rawValue) - \(t.cause.textID)\n"
        out += (id ? "Akar masalah:    " : "Root cause:      ") + "\(t.root)\(rootName.map { " - \($0)" } ?? "")\n"
        out += (id ? "Bukti:\n" : "Evidence:\n") + t.evidence.map { "  - \($0)\n" }.joined()
        out += (id ? "Situs terdampak (\(t.affectedSites.count)):\n" : "Affected sites (\(t.affectedSites.count)):\n")
        for s in t.affectedSites {
            let site = inventory.site(s)
            out += "  - \(s) \(site?.name ?? "") [\(site?.criticality.rawValue ?? "?")\(site?.users.map { ", \($0) \(id ? "pengguna" : "users")" } ?? "")]\n"
        }
        if !t.requesters.isEmpty {
            out += (id ? "Pelapor (\(t.requesters.count)):\n" : "Requesters (\(t.requesters.count)):\n")
            for r in t.requesters {
                out += "  - \(ISO8601.format(r.at, in: tz)) \(r.name) (\(r.site), \(r.via)\(r.contact.map { ", \($0)" } ?? "")): \(r.text)\n"
            }
        }
        out += (id ? "Alasan prioritas: " : "Why this priority: ") + t.priorityReason + "\n"
        out += (id ? "Waktu (jam kerja):\n" : "Timers (working time):\n") + timers.ledger.map { "  \($0)\n" }.joined()
        if let a = t.assignedTo { out += (id ? "Ditangani oleh: " : "Assigned to: ") + a + "\n" }
        if t.flaps > 0 || t.reopened > 0 { out += "flaps \(t.flaps), reopened \(t.reopened)\n" }
        if let ba = t.beritaAcara {
            out += "Berita Acara: \(ba.officers.joined(separator: "; "))\n  \(ba.problemSummary)\n  \(ba.workSummary)\n"
        }
        out += (id ? "Riwayat:\n" : "Ledger:\n") + events.map { "  \(ISO8601.format($0.at, in: tz))  \($0.kind): \($0.text)\n" }.joined()
        return out
    }
}
