import PantauCore
import Synchronization

/// One ticket change, as every listener hears it: the live pages, the console, a test.
public struct TicketNews: Sendable, Hashable {
    public var number: String
    /// What happened: `opened`, `reopened`, `updated`, `resolved`, `acknowledged`, `closed`, `reported`, `escalated`, `handover`.
    public var change: String
    public var state: String
    public var priority: String
    public var cause: String
    /// The root element (a link or site id; a reported ticket's site).
    public var root: String
    public var affected: [String]
    /// Who acted (a user or `cli:NAME`); nil for the engine's own changes.
    public var actor: String?
    public var at: EpochSeconds

    public init(number: String, change: String, state: String, priority: String, cause: String, root: String, affected: [String],
                actor: String?, at: EpochSeconds) {
        self.number = number
        self.change = change
        self.state = state
        self.priority = priority
        self.cause = cause
        self.root = root
        self.affected = affected
        self.actor = actor
        self.at = at
    }

    /// The sites the change touches (who may hear it).
    public var sites: [String] { affected + [root] }
}

/// The one stream of ticket changes of a process, published after each change is committed:
/// by the correlator, the helpdesk use cases (acknowledge, resolve, handover, close, report,
/// install) and the escalation, whatever face asked (web, API, command line). Listeners are
/// called in publish order and must not block (they hand the news on).
public final class TicketFeed: Sendable {
    let listeners = Mutex<[@Sendable (TicketNews) -> Void]>([])

    public init() {}

    /// Hears every change published from now on.
    public func listen(_ listener: @escaping @Sendable (TicketNews) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    public func publish(_ news: TicketNews) {
        for l in listeners.withLock({ $0 }) { l(news) }
    }
}

extension EngineEvent {
    /// A ticket change as the engine's console event.
    public init(_ n: TicketNews) {
        self = .ticket(number: n.number, change: n.change, priority: n.priority, cause: n.cause, root: n.root, affected: n.affected, at: n.at)
    }
}
