import Foundation
import PantauCore

/// A gangguan ticket as stored.
public struct Ticket: Sendable, Hashable {
    /// How people say a ticket number: `GGN-2026-11-0001`, `ggn-2026-11-0001`, or `2026-11-0001`;
    /// all mean the same ticket. A bare number takes `prefix` (the office's `number_prefix`).
    public static func normalizedNumber(_ s: String, prefix: String = "GGN") -> String {
        let t = s.trimmingCharacters(in: .whitespaces).uppercased()
        return isBare(t) ? prefix.uppercased() + "-" + t : t
    }

    /// "2026-11-0001": a number said without its prefix.
    public static func isBare(_ t: String) -> Bool {
        t.first?.isNumber == true && t.split(separator: "-", omittingEmptySubsequences: false).count == 3
    }

    /// The number of the `sequence`th ticket opened in local month `month` ("2026-03"):
    /// `GGN-2026-03-0007`.
    public static func number(prefix: String, month: String, sequence: Int) -> String {
        let seq = String(sequence)
        return "\(prefix)-\(month)-\(String(repeating: "0", count: max(0, 4 - seq.count)))\(seq)"
    }

    /// The local month a number was drawn in ("2026-03"), whatever the prefix.
    public static func month(ofNumber number: String) -> String {
        number.split(separator: "-").dropFirst().prefix(2).joined(separator: "-")
    }

    public enum State: String, Sendable, Hashable, CaseIterable {
        case open, acknowledged, resolved, closed
    }

    public var id: Int64
    /// `GGN-2026-03-0007`: prefix, local year-month of opening, sequence in that month.
    public var number: String
    public var rootKey: String
    /// "outage" (sites cut off) or "notice" (redundancy lost, degradation).
    public var kind: String
    public var cause: SuspectedCause
    public var state: State
    public var priority: Priority
    public var priorityReason: String
    public var affectedSites: [String]
    public var evidence: [String]
    /// When the root element failed.
    public var startedAt: EpochSeconds
    public var openedAt: EpochSeconds
    public var acknowledgedAt: EpochSeconds?
    public var assignedTo: String?
    public var resolvedAt: EpochSeconds?
    /// When the element came back (automatic resolution), which ends the outage.
    public var recoveredAt: EpochSeconds?
    public var closedAt: EpochSeconds?
    public var reopened: Int
    public var flaps: Int
    public var beritaAcara: BeritaAcara?
    /// The helpdesk level the ticket reached (1: the officer on duty).
    public var escalationLevel: Int = 1
    /// A reported ticket folded into the engine's ticket for the same outage: that ticket's number.
    public var mergedInto: String?
    /// An installation ticket's link.
    public var link: String?
    /// Who reported the disruption (filled when one ticket is read, empty in lists).
    public var requesters: [Requester] = []

    /// A ticket as a store reads it back (every field; the requesters are filled separately).
    public init(id: Int64, number: String, rootKey: String, kind: String, cause: SuspectedCause, state: State, priority: Priority,
                priorityReason: String, affectedSites: [String], evidence: [String], startedAt: EpochSeconds, openedAt: EpochSeconds,
                acknowledgedAt: EpochSeconds?, assignedTo: String?, resolvedAt: EpochSeconds?, recoveredAt: EpochSeconds?,
                closedAt: EpochSeconds?, reopened: Int, flaps: Int, beritaAcara: BeritaAcara?, escalationLevel: Int = 1,
                mergedInto: String? = nil, link: String? = nil, requesters: [Requester] = []) {
        self.id = id
        self.number = number
        self.rootKey = rootKey
        self.kind = kind
        self.cause = cause
        self.state = state
        self.priority = priority
        self.priorityReason = priorityReason
        self.affectedSites = affectedSites
        self.evidence = evidence
        self.startedAt = startedAt
        self.openedAt = openedAt
        self.acknowledgedAt = acknowledgedAt
        self.assignedTo = assignedTo
        self.resolvedAt = resolvedAt
        self.recoveredAt = recoveredAt
        self.closedAt = closedAt
        self.reopened = reopened
        self.flaps = flaps
        self.beritaAcara = beritaAcara
        self.escalationLevel = escalationLevel
        self.mergedInto = mergedInto
        self.link = link
        self.requesters = requesters
    }

    /// The root element's id ("fo-dc-kota", "bkd"); a reported ticket's site, an installation's link.
    public var root: String {
        if let r = RootCause.parse(key: rootKey) { return r.element.id }
        if let colon = rootKey.firstIndex(of: ":") { return String(rootKey[rootKey.index(after: colon)...]) }
        return ""
    }

    /// Kinds: the engine's `outage` and `notice`, the helpdesk's `reported` and `installation`.
    public static let reportedKind = "reported", installationKind = "installation"
    public var isHelpdesk: Bool { kind == Self.reportedKind || kind == Self.installationKind }
}

/// Someone who reported a disruption (an OPD user, or a caller the NOC wrote down).
public struct Requester: Sendable, Hashable {
    public var site: String
    /// "Rina (Kasubag Umum BKD)".
    public var name: String
    /// How to tell them (nil: through the OPD's registered contacts only).
    public var contact: Contact?
    /// `web`, `cli`, `api`, `phone`.
    public var via: String
    public var text: String
    /// The user who wrote the report (the OPD user, or the NOC officer taking the call).
    public var reportedBy: String
    public var at: EpochSeconds

    public init(site: String, name: String, contact: Contact?, via: String, text: String, reportedBy: String, at: EpochSeconds) {
        self.site = site
        self.name = name
        self.contact = contact
        self.via = via
        self.text = text
        self.reportedBy = reportedBy
        self.at = at
    }
}

/// The closing fields of the Berita Acara Gangguan (from the service catalog's forms).
public struct BeritaAcara: Sendable, Hashable {
    /// Officers who did the work, each "Name (NIP 19xxxxxxxxxxxxxxxx)".
    public var officers: [String]
    public var problemSummary: String
    public var workSummary: String
    public var alternativeSolution: String
    public var location: String
    /// The cause found on site (a code of `AccountabilityPolicy`, e.g. `opd-power`): it decides
    /// whom the outage counts against in the monthly report. Nil: not recorded (Diskominfo's).
    public var cause: String?

    public init(officers: [String], problemSummary: String, workSummary: String, alternativeSolution: String, location: String,
                cause: String? = nil) {
        self.cause = cause
        self.officers = officers
        self.problemSummary = problemSummary
        self.workSummary = workSummary
        self.alternativeSolution = alternativeSolution
        self.location = location
    }
}

/// One line of a ticket's ledger.
public struct TicketEvent: Sendable, Hashable {
    public var at: EpochSeconds
    public var kind: String
    public var text: String

    public init(at: EpochSeconds, kind: String, text: String) {
        self.at = at
        self.kind = kind
        self.text = text
    }
}
