import Foundation
import Mustache
import PantauCore
import PantauStoreKit

/// The Berita Acara Penanganan of a ticket: the document officers sign to close it. Filled
/// from the ticket, its history and the inventory, rendered from a mustache template the
/// office can replace (`templates/berita-acara.mustache` beside the inventory) without
/// recompiling. Dates and words in Bahasa Indonesia.
public struct BeritaAcaraDocument: Sendable {
    /// What the template sees (every value already escaped by mustache's `{{ }}`).
    public struct View: Sendable {
        public struct Site: Sendable { public var id: String; public var name: String }
        public struct Line: Sendable { public var label: String; public var value: String }
        public var organization: String
        public var number: String
        public var assignedTo: String
        public var officers: [String]
        public var need: String
        public var workSummary: String
        public var problemSummary: String
        public var alternative: String
        public var location: String
        public var priority: String
        public var priorityReason: String
        public var cause: String
        public var root: String
        public var started: String
        public var opened: String
        public var recovered: String
        public var duration: String
        public var sites: [Site]
        public var hasSites: Bool
        public var evidence: [String]
        public var sla: [Line]
        public var city: String
        public var signedOn: String
        public var requesterName: String
        public var officerName: String
        public var officerNIP: String
        /// The helpdesk steps from the ledger: reports, escalations, acceptance test, handover.
        public var steps: [Line] = []
        public var hasSteps = false
    }

    public let view: View

    public init(ticket t: Ticket, events: [TicketEvent], timers: TicketTimers, inventory: Inventory, city: String) {
        let tz = TimeZone(identifier: inventory.timezone) ?? .current
        let when = { (e: EpochSeconds?) in e.map { LocalText.dateTime($0, in: tz) } ?? "-" }
        let ba = t.beritaAcara
        // Who handled it: the Berita Acara officers, else who acknowledged or resolved it in the ledger.
        let handlers = events.compactMap { e -> String? in
            switch e.kind {
            case "acknowledged": e.text.hasPrefix("assigned to ") ? String(e.text.dropFirst("assigned to ".count)) : nil
            case "resolved": e.text.hasPrefix("by ") ? Self.actor(in: e.text) : nil
            default: nil
            }
        }
        let assigned = t.assignedTo ?? handlers.first ?? ""
        let officers = ba?.officers.isEmpty == false ? ba!.officers : (assigned.isEmpty ? [] : [assigned])
        let rootName: String = {
            if t.kind == Ticket.installationKind, let l = t.link { return inventory.link(l).map { "\($0.name ?? $0.id) (\($0.kind.rawValue), \($0.from) - \($0.to))" } ?? l }
            guard let parsed = RootCause.parse(key: t.rootKey) else { return inventory.site(t.root).map { "\($0.name) (\(t.root))" } ?? t.root }
            switch parsed.element {
            case .link(let id):
                return inventory.link(id).map { "\($0.name ?? $0.id) (\($0.kind.rawValue), \($0.from) - \($0.to))" } ?? id
            case .site(let id):
                return inventory.site(id).map { "\($0.name) (\(id))" } ?? id
            }
        }()
        func timerLine(_ label: String, _ x: TicketTimers.Timer) -> View.Line {
            let verdict = x.met ? "terpenuhi" : x.breached ? "TERLAMPAUI" : "berjalan"
            return View.Line(label: label, value: "target \(LocalText.duration(x.targetSeconds)) jam kerja, terpakai "
                             + "\(LocalText.duration(x.elapsedSeconds)), batas \(when(x.due)): \(verdict)")
        }
        // The form is Indonesian whatever the reader's language: the engine's lines in Indonesian too.
        let say = { (line: String) in Phrasebook.standard.render(line, .id, timeZone: tz) }
        var view = View(
            organization: inventory.organization, number: t.number, assignedTo: assigned, officers: officers,
            need: Self.need(t),
            workSummary: ba?.workSummary ?? "", problemSummary: ba?.problemSummary ?? "\(t.cause.textID): \(say(t.evidence.first ?? ""))",
            alternative: ba?.alternativeSolution ?? "", location: ba?.location ?? "",
            priority: t.priority.rawValue, priorityReason: say(t.priorityReason),
            cause: t.kind == Ticket.reportedKind ? "dilaporkan OPD (belum terlihat oleh pemantauan)"
                : t.kind == Ticket.installationKind ? "pemasangan baru" : "\(t.cause.textID) (\(t.cause.rawValue))",
            root: rootName, started: when(t.startedAt), opened: when(t.openedAt), recovered: when(t.recoveredAt ?? t.resolvedAt),
            duration: "\(LocalText.duration(timers.outageWallSeconds)) (jam kerja: \(LocalText.duration(timers.outageWorkingSeconds)))",
            sites: t.affectedSites.map { View.Site(id: $0, name: inventory.site($0)?.name ?? "") }, hasSites: !t.affectedSites.isEmpty,
            evidence: t.evidence.map(say),
            sla: [timerLine("Waktu tanggap", timers.response), timerLine("Waktu perbaikan", timers.repair)],
            city: city, signedOn: (t.closedAt ?? t.resolvedAt).map { LocalText.date($0, in: tz) } ?? "",
            requesterName: t.requesters.map(\.name).joined(separator: ", "), officerName: Self.nameAndNIP(officers.first ?? "").name, officerNIP: Self.nameAndNIP(officers.first ?? "").nip)
        // Who reported (from the requesters), then escalations, acceptance test and handover (from the ledger).
        let reports = t.requesters.map { r in
            (r.at, View.Line(label: "Laporan OPD, \(LocalText.dateTime(r.at, in: tz))", value: "\(r.name) (\(r.site), melalui \(r.via)): \(r.text)"))
        }
        let ledger = events.compactMap { e in
            Self.stepWords[e.kind].map { (e.at, View.Line(label: "\($0), \(LocalText.dateTime(e.at, in: tz))", value: say(e.text))) }
        }
        view.steps = (reports + ledger).sorted { $0.0 < $1.0 }.map(\.1)
        view.hasSteps = !view.steps.isEmpty
        self.view = view
    }

    static let stepWords = ["escalated": "Eskalasi", "acceptance": "Uji terima bandwidth",
                            "handover": "Serah terima", "merged": "Digabung"]

    /// The "kebutuhan" line: what kind of ticket this is.
    static func need(_ t: Ticket) -> String {
        switch t.kind {
        case "notice": "Pemberitahuan penurunan kualitas jaringan intra (tiket otomatis Pantau)"
        case Ticket.reportedKind: "Laporan gangguan jaringan intra dari OPD"
        case Ticket.installationKind: "Pemasangan jaringan intra (instalasi baru)"
        default: t.requesters.isEmpty ? "Gangguan jaringan intra (tiket otomatis Pantau)"
            : "Gangguan jaringan intra (tiket otomatis Pantau, dilaporkan juga oleh OPD)"
        }
    }

    /// "Budi Santoso (NIP 19800101…)" → ("Budi Santoso", "19800101…"); without a NIP the whole text is the name.
    static func nameAndNIP(_ s: String) -> (name: String, nip: String) {
        guard let open = s.range(of: "(NIP"), let close = s.range(of: ")", range: open.upperBound..<s.endIndex) else { return (s, "") }
        let nip = s[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ".:")))
        return (s[..<open.lowerBound].trimmingCharacters(in: .whitespaces), nip)
    }

    /// "by Budi (NIP …): note" in a ledger line → "Budi (NIP …)".
    static func actor(in text: String) -> String? {
        let rest = text.dropFirst("by ".count)
        let name = (rest.range(of: ": ").map { rest[..<$0.lowerBound] } ?? rest).trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    /// The HTML: the office's template if `templateFile` exists, else the built-in one.
    public func html(templateFile: String? = nil) throws -> String {
        var text = Self.defaultTemplate
        if let templateFile, let custom = try? String(contentsOfFile: templateFile, encoding: .utf8) { text = custom }
        let template = try MustacheTemplate(string: text)
        return template.render(view)
    }
}
