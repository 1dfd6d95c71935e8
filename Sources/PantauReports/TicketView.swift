import Foundation
import PantauCore
import PantauStoreKit

/// A ticket as every face shows it (CLI JSON, API): its facts, SLA timers in working time,
/// ledger and Berita Acara. `Codable`, encoded by `JSONEncoder`.
public struct TicketView: Sendable, Codable, Hashable {
    public struct TimerView: Sendable, Codable, Hashable {
        public var targetS: Int64
        public var elapsedS: Int64
        public var due: String?
        public var met: Bool
        public var breached: Bool
        enum CodingKeys: String, CodingKey { case targetS = "target_s", elapsedS = "elapsed_s", due, met, breached }
    }

    public struct EventView: Sendable, Codable, Hashable {
        public var at: String
        public var kind: String
        public var text: String
    }

    public struct BeritaAcaraView: Sendable, Codable, Hashable {
        public var officers: [String]
        public var problem: String
        public var work: String
        public var alternative: String
        public var location: String
    }

    public var number: String
    public var state: String
    public var priority: String
    public var cause: String
    public var kind: String
    public var root: String
    public var rootKind: String
    public var affectedSites: [String]
    public var startedAt: String
    public var openedAt: String
    public var acknowledgedAt: String?
    public var assignedTo: String?
    public var resolvedAt: String?
    public var recoveredAt: String?
    public var closedAt: String?
    public var priorityReason: String
    public var evidence: [String]
    public var flaps: Int
    public var reopened: Int
    public var response: TimerView?
    public var repair: TimerView?
    public var outageWallS: Int64?
    public var outageWorkingS: Int64?
    public var ledger: [String]?
    public var events: [EventView]?
    public var beritaAcara: BeritaAcaraView?
    public var escalationLevel: Int
    public var mergedInto: String?
    public var link: String?
    /// Who reported it (only when one ticket is read).
    public var requesters: [RequesterView]?

    public struct RequesterView: Sendable, Codable, Hashable {
        public var site: String
        public var name: String
        public var contact: String?
        public var via: String
        public var text: String
        public var reportedBy: String
        public var at: String
        enum CodingKeys: String, CodingKey { case site, name, contact, via, text, reportedBy = "reported_by", at }
    }

    enum CodingKeys: String, CodingKey {
        case number, state, priority, cause, kind, root, rootKind = "root_kind", affectedSites = "affected_sites"
        case startedAt = "started_at", openedAt = "opened_at", acknowledgedAt = "acknowledged_at", assignedTo = "assigned_to"
        case resolvedAt = "resolved_at", recoveredAt = "recovered_at", closedAt = "closed_at", priorityReason = "priority_reason"
        case evidence, flaps, reopened, response, repair, outageWallS = "outage_wall_s", outageWorkingS = "outage_working_s"
        case ledger, events, beritaAcara = "berita_acara"
        case escalationLevel = "escalation_level", mergedInto = "merged_into", link, requesters
    }

    public init(_ t: Ticket, tz: TimeZone, timers: TicketTimers? = nil, events: [TicketEvent]? = nil) {
        let iso = { (e: EpochSeconds?) in e.map { ISO8601.format($0, in: tz) } }
        number = t.number
        state = t.state.rawValue
        priority = t.priority.rawValue
        cause = t.cause.rawValue
        kind = t.kind
        root = t.root
        rootKind = RootCause.parse(key: t.rootKey).map { if case .link = $0.element { "link" } else { "site" } } ?? (t.rootKey.hasPrefix("install:") ? "link" : "site")
        escalationLevel = t.escalationLevel
        mergedInto = t.mergedInto
        link = t.link
        requesters = t.requesters.isEmpty ? nil : t.requesters.map {
            RequesterView(site: $0.site, name: $0.name, contact: $0.contact?.description, via: $0.via, text: $0.text, reportedBy: $0.reportedBy,
                          at: ISO8601.format($0.at, in: tz))
        }
        affectedSites = t.affectedSites
        startedAt = ISO8601.format(t.startedAt, in: tz)
        openedAt = ISO8601.format(t.openedAt, in: tz)
        acknowledgedAt = iso(t.acknowledgedAt)
        assignedTo = t.assignedTo
        resolvedAt = iso(t.resolvedAt)
        recoveredAt = iso(t.recoveredAt)
        closedAt = iso(t.closedAt)
        priorityReason = t.priorityReason
        evidence = t.evidence
        flaps = t.flaps
        reopened = t.reopened
        if let timers {
            let view = { (x: TicketTimers.Timer) in
                TimerView(targetS: x.targetSeconds, elapsedS: x.elapsedSeconds, due: iso(x.due), met: x.met, breached: x.breached)
            }
            response = view(timers.response)
            repair = view(timers.repair)
            outageWallS = timers.outageWallSeconds
            outageWorkingS = timers.outageWorkingSeconds
            ledger = timers.ledger
        }
        self.events = events?.map { EventView(at: ISO8601.format($0.at, in: tz), kind: $0.kind, text: $0.text) }
        beritaAcara = t.beritaAcara.map {
            BeritaAcaraView(officers: $0.officers, problem: $0.problemSummary, work: $0.workSummary, alternative: $0.alternativeSolution,
                            location: $0.location)
        }
    }
}
