import PantauCore
import PantauStoreKit

/// The one rule for what an OPD user reads (every page, API path and live stream goes through
/// it): its own sites; of what it shares with others (a trunk above its site, a ticket of a cut
/// that also cut others off) only the state — never other OPDs' names, contacts, texts, the
/// network's ports and devices, or traffic. The network team, managers and admins read everything.
extension Access {
    /// A ticket as this user may read it; nil when it touches none of the user's sites.
    func scoped(_ t: Ticket) -> Ticket? {
        guard maySee(anyOf: t.affectedSites + [t.root]) else { return nil }
        guard !seesEverything else { return t }
        var s = t
        s.affectedSites = t.affectedSites.filter(user.sites.contains)
        s.requesters = t.requesters.filter { user.sites.contains($0.site) }
        // Port and device readings, and the other sites they name, are the network team's.
        s.evidence = []
        s.priorityReason = Self.withoutSites(t.priorityReason, priority: t.priority)
        return s
    }

    /// The shape `PriorityPolicy.decide` writes a reason in (a constant: compiled once).
    nonisolated(unsafe) static let reasonShape = try! Regex<(Substring, Substring, Substring, Substring, Substring)>(
        #"^impact (\w+) \(.*\) x urgency (\w+) \((.*)\) = (P\d)$"#)

    /// A priority reason without the sites it weighed ("impact high (score 14; 3 site(s): …) x
    /// urgency high (…) = P1" → "impact high x urgency high (…) = P1"): the levels and the time
    /// stay, the other OPDs go.
    static func withoutSites(_ reason: String, priority: Priority) -> String {
        guard let m = reason.wholeMatch(of: reasonShape) else {
            return priority.rawValue
        }
        return "impact \(m.1) x urgency \(m.2) (\(m.3)) = \(m.4)"
    }

    /// A ticket's history as this user may read it: for an OPD user the steps (opened,
    /// acknowledged, resolved, …) without their texts, which name other sites and requesters.
    func scoped(_ events: [TicketEvent]) -> [TicketEvent] {
        guard !seesEverything else { return events }
        let steps: Set<String> = ["opened", "acknowledged", "resolved", "closed", "reopened", "escalated", "archived"]
        return events.filter { steps.contains($0.kind) }.map { TicketEvent(at: $0.at, kind: $0.kind, text: "") }
    }

    /// May read a shared element's detail (traffic, optics, ports, who else is behind it) and
    /// not only its state.
    var readsNetworkDetail: Bool { seesEverything }
}
