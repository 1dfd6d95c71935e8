import Foundation
import Logging
import PantauCore
import PantauStore
import Synchronization

/// Turns confirmed site and link states into gangguan tickets: correlates them over the
/// topology, waits the group window, opens one ticket per root cause (idempotently, in the
/// store), keeps it up to date and resolves it after the recovery hold. Fed by the engine's
/// state-change events; evaluates on its own beat. Tickets that are open when it starts are
/// adopted, so a restart never opens a second ticket.
public final class IncidentManager: Sendable {
    let inventory: Inventory
    let config: IncidentConfig
    let store: Store
    let clock: any WallClock
    let logger: Logger
    let calendar: WorkingCalendar
    let analyzer: RootCauseAnalyzer
    let watchedLinks: Set<String>
    let snapshot = Mutex(NetworkSnapshot())
    let messages: @Sendable (Ticket, TicketChange) -> [OutboxDraft]

    public init(inventory: Inventory, config: IncidentConfig, store: Store, clock: any WallClock, logger: Logger,
                probes: ProbeConfig = ProbeConfig(), messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) {
        self.inventory = inventory
        self.config = config
        self.store = store
        self.clock = clock
        self.logger = logger
        calendar = WorkingCalendar(spec: inventory.calendar, timeZone: TimeZone(identifier: inventory.timezone) ?? .current)
        analyzer = RootCauseAnalyzer(inventory: inventory)
        watchedLinks = Set(inventory.links.filter { !$0.ends.isEmpty }.map(\.id))
        self.messages = messages
        self.probes = probes
    }

    let probes: ProbeConfig

    /// Degradations of elements that are up: optical power at warning/alarm on a link, loss or
    /// RTT above the site's thresholds on its last round. The group window and recovery hold
    /// keep a single bad round from opening a ticket.
    func degradations(_ snap: NetworkSnapshot, linkLast: [String: LinkLast]) -> [String: String] {
        var out: [String: String] = [:]
        for (id, st) in snap.links where st.state == .up {
            if let l = linkLast[id], let level = l.opticalLevel, level != "ok" {
                out[id] = "optical \(level)" + (l.rxDbm.map { String(format: ", rx %.2f dBm", $0) } ?? "") + (l.detail.isEmpty ? "" : " (\(l.detail))")
            }
        }
        let last = (try? store.probeLast()) ?? [:]
        for (id, st) in snap.sites where st.state == .up {
            guard let site = inventory.site(id), let p = last[id] else { continue }
            let s = probes.icmp(for: site)
            var why: [String] = []
            if let loss = p.lossPct, loss > s.lossWarnPct { why.append(String(format: "loss %.0f%% > %.0f%%", loss, s.lossWarnPct)) }
            if let rtt = p.rttMs, rtt > s.rttWarnMs { why.append(String(format: "RTT %.1f ms > %.0f ms", rtt, s.rttWarnMs)) }
            if !why.isEmpty { out[id] = why.joined(separator: ", ") }
        }
        return out
    }

    /// Takes a state change from the engine (any thread).
    public func observe(_ event: EngineEvent) {
        guard case .stateChanged(let target, _, let to, let since) = event else { return }
        snapshot.withLock { s in
            if watchedLinks.contains(target) { s.links[target] = ElementState(to, since: since) }
            else { s.sites[target] = ElementState(to, since: since) }
        }
    }

    /// Evaluates every `evaluateEvery` seconds until cancelled or `until` (engine time).
    public func run(until: Double?, onEvent: @escaping @Sendable (EngineEvent) -> Void) async throws {
        var tracker = try adopt()
        while !Task.isCancelled {
            let now = clock.now()
            if let until, now >= until { break }
            try evaluate(&tracker, at: EpochSeconds(now.rounded(.down)), onEvent: onEvent)
            var wake = now + config.evaluateEvery
            if let until { wake = min(wake, until) }
            try await clock.sleep(until: wake)
        }
    }

    /// The tracker seeded with the store's live and recently resolved tickets.
    func adopt() throws -> IncidentTracker {
        var t = IncidentTracker(policy: config.tracker)
        for ticket in try store.tickets(states: [.open, .acknowledged, .resolved]) {
            let element: RootCause.Element = ticket.rootKey.hasPrefix("link:") ? .link(ticket.root) : .site(ticket.root)
            if ticket.state == .resolved {
                if let r = ticket.resolvedAt { t.adopt(resolvedKey: ticket.rootKey, at: r) }
                continue
            }
            t.adopt(open: RootCause(element: element, cause: ticket.cause, affectedSites: ticket.affectedSites,
                                    startedAt: ticket.startedAt, evidence: ticket.evidence))
        }
        return t
    }

    func inMaintenance(_ id: String, at: EpochSeconds) -> Bool {
        inventory.maintenance.contains { $0.target == id && $0.range.contains(at) }
    }

    func evaluate(_ tracker: inout IncidentTracker, at: EpochSeconds, onEvent: @Sendable (EngineEvent) -> Void) throws {
        var snap = snapshot.withLock { $0 }
        let linkLast = (try? store.linkLast()) ?? [:]
        for (id, var st) in snap.links {
            if let d = linkLast[id]?.detail, !d.isEmpty { st.detail = d; snap.links[id] = st }
        }
        snap.degraded = degradations(snap, linkLast: linkLast)
        let roots = analyzer.analyze(snap, at: at, settleSeconds: config.settleSeconds).filter { !inMaintenance($0.element.id, at: at) }
        var failing: Set<String> = [], healthy: [String: EpochSeconds] = [:]
        for (id, st) in snap.sites { if st.state == .down { failing.insert("site:\(id)") } else if st.state == .up { healthy["site:\(id)"] = st.since } }
        for (id, st) in snap.links { if st.state == .down { failing.insert("link:\(id)") } else if st.state == .up { healthy["link:\(id)"] = st.since } }
        let month = YearMonth(calendar.localDate(of: at)).description
        for action in tracker.evaluate(roots, failing: failing, healthy: healthy, at: at) {
            switch action {
            case .open(let root), .reopen(let root):
                let decision = config.priority.decide(root, inventory: inventory, calendar: calendar, at: at)
                let (t, change) = try store.openTicket(root, decision: decision, at: at, month: month,
                                                       reopenWithin: config.tracker.reopenWithin, prefix: config.numberPrefix,
                                                       messages: messages)
                if change != .unchanged { emit(t, change, at, onEvent) }
            case .update(let key, let root, let ever):
                var grown = root
                grown.affectedSites = ever
                let decision = config.priority.decide(grown, inventory: inventory, calendar: calendar, at: at)
                if let t = try store.updateTicket(rootKey: key, root: root, affectedEver: ever, decision: decision, at: at,
                                                  messages: messages) {
                    emit(t, .updated, at, onEvent)
                }
            case .relapse(let key, let at, let flaps):
                try store.recordRelapse(rootKey: key, at: at, flaps: flaps)
            case .resolve(let key, let recoveredAt):
                guard let open = try store.tickets(states: [.open, .acknowledged]).first(where: { $0.rootKey == key }) else { continue }
                let wall = recoveredAt - open.startedAt
                let working = calendar.workingSeconds(from: open.startedAt, to: recoveredAt)
                let detail = "recovered at \(ISO8601.format(recoveredAt, in: calendar.timeZone)); outage \(Self.duration(wall)) wall time, "
                    + "\(Self.duration(working)) working time"
                if let t = try store.resolveTicket(rootKey: key, recoveredAt: recoveredAt, at: at, detail: detail, messages: messages) {
                    emit(t, .resolved, at, onEvent)
                }
            }
        }
    }

    func emit(_ t: Ticket, _ change: TicketChange, _ at: EpochSeconds, _ onEvent: @Sendable (EngineEvent) -> Void) {
        logger.notice("ticket \(change.rawValue)", metadata: ["number": "\(t.number)", "root": "\(t.rootKey)", "priority": "\(t.priority.rawValue)"])
        onEvent(.ticket(number: t.number, change: change.rawValue, priority: t.priority.rawValue, cause: t.cause.rawValue,
                        root: t.root, affected: t.affectedSites, at: at))
    }

    /// "2h 05m 09s".
    public static func duration(_ s: Int64) -> String {
        let h = s / 3600, m = s % 3600 / 60, sec = s % 60
        return h > 0 ? "\(h)h \(m < 10 ? "0" : "")\(m)m \(sec < 10 ? "0" : "")\(sec)s" : "\(m)m \(sec < 10 ? "0" : "")\(sec)s"
    }
}
