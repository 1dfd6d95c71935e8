import PantauCore

/// A gangguan ticket as stored.
public struct Ticket: Sendable, Hashable {
    /// How people say a ticket number: `GGN-2026-11-0001`, `ggn-2026-11-0001`, or `2026-11-0001`;
    /// all mean the same ticket.
    public static func normalizedNumber(_ s: String) -> String {
        let t = s.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasPrefix("GGN-") { return t }
        if let first = t.first, first.isNumber, t.split(separator: "-").count == 3 { return "GGN-" + t }
        return t
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

    /// The root element's id ("fo-dc-kota", "bkd").
    public var root: String { RootCause.parse(key: rootKey)?.element.id ?? "" }
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
}
