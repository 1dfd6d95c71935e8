import Foundation
import PantauCore
import PantauStoreKit

/// Writes the messages for a ticket change, one per channel that wants it: one combined message
/// per root cause listing every OPD cut off, in Bahasa Indonesia.
public struct NotificationComposer: Sendable {
    let inventory: Inventory
    let channels: [NotifyChannel]
    let timeZone: TimeZone
    let escalation: EscalationPolicy
    let requesterChannels: [Contact.Kind: String]

    public init(inventory: Inventory, channels: [NotifyChannel], escalation: EscalationPolicy = EscalationPolicy(),
                requesterChannels: [Contact.Kind: String] = [:]) {
        self.inventory = inventory
        self.channels = channels
        self.escalation = escalation
        self.requesterChannels = requesterChannels
        timeZone = TimeZone(identifier: inventory.timezone) ?? .current
    }

    public init(inventory: Inventory, config: IncidentConfig) {
        self.init(inventory: inventory, channels: config.channels, escalation: config.escalation, requesterChannels: config.requesterChannels)
    }

    public func drafts(_ t: Ticket, _ change: TicketChange) -> [OutboxDraft] {
        var out = requesterDrafts(t, change)
        if change == .escalated { return out + escalationDrafts(t) }
        guard [.opened, .reopened, .updated, .rerooted, .resolved, .reported].contains(change) else { return out }
        let text = body(t, change)
        let subject = "[\(t.priority.rawValue)] \(t.number) \(headline(change, t)): \(t.cause.textID) \(t.root)"
        // The key names the ticket event precisely, so a retried write queues nothing twice.
        let event = "\(change.rawValue)-\(t.reopened)-\(t.priority.rawValue)-\(t.affectedSites.count)-\(t.cause.rawValue)-\(t.requesters.count)"
        out += channels.filter { c in c.broadcast && c.priorities.contains(t.priority) && (t.kind != "notice" || c.notices) }.map { c in
            OutboxDraft(dedupeKey: "\(t.number)/\(event)/\(c.name)", channel: c.name, subject: subject, body: text)
        }
        return out
    }

    /// An escalation goes to the channels of the level the ticket reached, once per level.
    func escalationDrafts(_ t: Ticket) -> [OutboxDraft] {
        guard let level = escalation.level(t.escalationLevel) else { return [] }
        let subject = "[\(t.priority.rawValue)] \(t.number) ESKALASI level \(level.level) (\(level.name)): \(t.cause.textID) \(t.root)"
        var lines = ["ESKALASI ke level \(level.level) - \(level.name)" + (level.people.isEmpty ? "" : ": " + level.people.joined(separator: ", ")),
                     t.acknowledgedAt == nil ? "Tiket belum ditangani (belum ada yang mengambil)." : "Tiket belum selesai (ditangani oleh \(t.assignedTo ?? "-")).",
                     ""]
        lines.append(body(t, .updated))
        return level.channels.map { c in
            OutboxDraft(dedupeKey: "\(t.number)/escalated-\(t.reopened)-L\(level.level)/\(c)", channel: c, subject: subject,
                        body: lines.joined(separator: "\n"))
        }
    }

    /// Everyone who reported, and the registered contacts of the OPDs the ticket touches (not
    /// for notices), each once per address.
    public func recipients(_ t: Ticket) -> [(contact: Contact, name: String)] {
        var seen = Set<Contact>(), out: [(Contact, String)] = []
        for r in t.requesters { if let c = r.contact, seen.insert(c).inserted { out.append((c, r.name)) } }
        if t.kind != "notice" {
            for id in t.affectedSites {
                guard let s = inventory.site(id) else { continue }
                for c in s.contacts where seen.insert(c).inserted { out.append((c, s.name)) }
            }
        }
        return out
    }

    /// The opening acknowledgement (once per ticket episode and address, also to a requester
    /// who joins later) and the closing message with the Berita Acara summary.
    func requesterDrafts(_ t: Ticket, _ change: TicketChange) -> [OutboxDraft] {
        let event: String, subject: String, text: String
        switch change {
        case .opened, .reopened, .reported, .updated, .rerooted:
            event = "ack-\(t.reopened)"
            subject = "\(t.number): laporan gangguan diterima"
            text = acknowledgement(t)
        case .closed where t.mergedInto == nil:
            event = "closed-\(t.reopened)"
            subject = "\(t.number): gangguan selesai ditangani"
            text = closing(t)
        default: return []
        }
        return recipients(t).compactMap { r in
            guard let channel = requesterChannels[r.contact.kind] else { return nil }
            return OutboxDraft(dedupeKey: "\(t.number)/\(event)/\(r.contact)", channel: channel, subject: subject, body: text,
                               recipient: r.contact.address)
        }
    }

    func acknowledgement(_ t: Ticket) -> String {
        var lines = ["Yth. Bapak/Ibu,",
                     t.kind == Ticket.installationKind
                        ? "Permintaan pemasangan jaringan telah kami terima dengan nomor tiket \(t.number)."
                        : "Gangguan jaringan yang menyangkut kantor Anda telah tercatat dengan nomor tiket \(t.number).",
                     "Prioritas penanganan: \(t.priority.rawValue). Mulai: \(LocalText.dateTime(t.startedAt, in: timeZone))."]
        let names = t.affectedSites.map { inventory.site($0)?.name ?? $0 }
        if !names.isEmpty { lines.append("Kantor terdampak: \(names.joined(separator: ", ")).") }
        if t.kind == "outage" { lines.append("Dugaan penyebab: \(t.cause.textID).") }
        lines.append("Tim jaringan Diskominfo sedang menangani. Anda akan diberi tahu saat tiket ditutup.")
        return lines.joined(separator: "\n")
    }

    func closing(_ t: Ticket) -> String {
        let when = { (e: EpochSeconds) in LocalText.dateTime(e, in: self.timeZone) }
        var lines = ["Yth. Bapak/Ibu,", "Tiket \(t.number) telah ditutup pada \(t.closedAt.map(when) ?? "-").", "", "Ringkasan Berita Acara:"]
        if let ba = t.beritaAcara {
            lines.append("- Permasalahan: \(ba.problemSummary)")
            lines.append("- Pekerjaan: \(ba.workSummary)")
            if !ba.alternativeSolution.isEmpty && ba.alternativeSolution != "-" { lines.append("- Solusi alternatif: \(ba.alternativeSolution)") }
            if !ba.location.isEmpty { lines.append("- Lokasi: \(ba.location)") }
            lines.append("- Petugas: \(ba.officers.joined(separator: "; "))")
        }
        if let r = t.recoveredAt ?? t.resolvedAt { lines.append("- Pulih: \(when(r)), lama gangguan \(duration(r - t.startedAt))") }
        lines.append("")
        lines.append("Terima kasih.")
        return lines.joined(separator: "\n")
    }

    /// A reported ticket is announced as what it is: an OPD's report, not a silent site.
    func headline(_ c: TicketChange, _ t: Ticket) -> String {
        if t.kind == Ticket.reportedKind, c == .opened || c == .reopened { return "LAPORAN OPD" }
        return headline(c)
    }

    func headline(_ c: TicketChange) -> String {
        switch c {
        case .rerooted: "PEMBARUAN: AKAR MASALAH"
        case .opened: "GANGGUAN"
        case .reopened: "GANGGUAN LAGI"
        case .resolved: "PULIH"
        case .reported: "LAPORAN OPD"
        default: "PEMBARUAN"
        }
    }

    func body(_ t: Ticket, _ change: TicketChange) -> String {
        let when = { (e: EpochSeconds) in LocalText.dateTime(e, in: self.timeZone) }
        let rootName: String = t.rootKey.hasPrefix("link:")
            ? inventory.link(t.root).map { "\($0.name ?? $0.id) (\($0.kind.rawValue))" } ?? t.root
            : inventory.site(t.root)?.name ?? t.root
        let reported = t.kind == Ticket.reportedKind
        var lines = ["\(headline(change, t)) \(t.priority.rawValue) - \(t.number)",
                     reported ? "Dilaporkan OPD: \(rootName) (\(t.root)); pemantauan belum melihat gangguan, penyebab belum pasti"
                        : "Dugaan penyebab: \(t.cause.textID) (\(t.cause.rawValue)) pada \(t.root) - \(rootName)",
                     "Mulai: \(when(t.startedAt))"]
        if change == .rerooted { lines.append("Akar masalah berpindah (nomor tiket tetap): \(t.rootKey)") }
        if reported {
            lines.append("Kantor yang melapor (\(t.affectedSites.count)):")
            lines += t.affectedSites.map { id in "- \(inventory.site(id)?.name ?? id) (\(id))" }
        } else if t.affectedSites.isEmpty {
            lines.append("Tidak ada situs terputus (jalur cadangan masih bekerja).")
        } else {
            lines.append("Situs terputus (\(t.affectedSites.count)):")
            lines += t.affectedSites.map { id in "- \(inventory.site(id)?.name ?? id) (\(id))" }
        }
        if change == .resolved, let r = t.recoveredAt ?? t.resolvedAt {
            lines.append("Pulih: \(when(r)), lama gangguan \(duration(r - t.startedAt))")
        }
        // The engine's lines in Indonesian, like the rest of the message.
        let say = { (line: String) in Phrasebook.standard.render(line, .id, timeZone: self.timeZone) }
        lines.append("Prioritas: \(say(t.priorityReason))")
        if let e = t.evidence.first { lines.append("Bukti: \(say(e))") }
        for r in t.requesters { lines.append("Pelapor: \(r.name) (\(r.site), \(r.via)): \(r.text)") }
        return lines.joined(separator: "\n")
    }

    func duration(_ s: Int64) -> String {
        let h = s / 3600, m = s % 3600 / 60
        return h > 0 ? "\(h) jam \(m) menit" : "\(m) menit \(s % 60) detik"
    }
}
