import Foundation
import PantauCore
import PantauStore

/// Writes the messages for a ticket change, one per channel that wants it: one combined message
/// per root cause listing every OPD cut off, in Bahasa Indonesia.
public struct NotificationComposer: Sendable {
    let inventory: Inventory
    let channels: [NotifyChannel]
    let timeZone: TimeZone

    public init(inventory: Inventory, channels: [NotifyChannel]) {
        self.inventory = inventory
        self.channels = channels
        timeZone = TimeZone(identifier: inventory.timezone) ?? .current
    }

    public func drafts(_ t: Ticket, _ change: TicketChange) -> [OutboxDraft] {
        guard [.opened, .reopened, .updated, .resolved].contains(change) else { return [] }
        let text = body(t, change)
        let subject = "[\(t.priority.rawValue)] \(t.number) \(headline(change)): \(t.cause.textID) \(t.root)"
        // The key names the ticket event precisely, so a retried write queues nothing twice.
        let event = "\(change.rawValue)-\(t.reopened)-\(t.priority.rawValue)-\(t.affectedSites.count)-\(t.cause.rawValue)"
        return channels.filter { c in c.priorities.contains(t.priority) && (t.kind == "outage" || c.notices) }.map { c in
            OutboxDraft(dedupeKey: "\(t.number)/\(event)/\(c.name)", channel: c.name, subject: subject, body: text)
        }
    }

    func headline(_ c: TicketChange) -> String {
        switch c {
        case .opened: "GANGGUAN"
        case .reopened: "GANGGUAN LAGI"
        case .resolved: "PULIH"
        default: "PEMBARUAN"
        }
    }

    func body(_ t: Ticket, _ change: TicketChange) -> String {
        let when = { (e: EpochSeconds) in ISO8601.format(e, in: timeZone) }
        let rootName: String = t.rootKey.hasPrefix("link:")
            ? inventory.link(t.root).map { "\($0.name ?? $0.id) (\($0.kind.rawValue))" } ?? t.root
            : inventory.site(t.root)?.name ?? t.root
        var lines = ["\(headline(change)) \(t.priority.rawValue) - \(t.number)",
                     "Dugaan penyebab: \(t.cause.textID) (\(t.cause.rawValue)) pada \(t.root) - \(rootName)",
                     "Mulai: \(when(t.startedAt))"]
        if t.affectedSites.isEmpty {
            lines.append("Tidak ada situs terputus (jalur cadangan masih bekerja).")
        } else {
            lines.append("Situs terputus (\(t.affectedSites.count)):")
            lines += t.affectedSites.map { id in "- \(inventory.site(id)?.name ?? id) (\(id))" }
        }
        if change == .resolved, let r = t.recoveredAt ?? t.resolvedAt {
            lines.append("Pulih: \(when(r)), lama gangguan \(duration(r - t.startedAt))")
        }
        lines.append("Prioritas: \(t.priorityReason)")
        if let e = t.evidence.first { lines.append("Bukti: \(e)") }
        return lines.joined(separator: "\n")
    }

    func duration(_ s: Int64) -> String {
        let h = s / 3600, m = s % 3600 / 60
        return h > 0 ? "\(h) jam \(m) menit" : "\(m) menit \(s % 60) detik"
    }
}
