import Logging
import PantauCore
import PantauBus
import PantauStoreKit
import ServiceLifecycle

/// Moves disruption tickets up the helpdesk levels (`incidents.escalation`): on each beat, every
/// live `outage` or `reported` ticket whose working time without acknowledgement (or without
/// resolution) passed a level's threshold is escalated. The store records the level reached
/// with the queued messages in one write, so each level is told once, across restarts.
/// Notices and installation tickets (service requests) do not escalate.
public final class EscalationService: Service, Sendable {
    let helpdesk: Helpdesk
    let clock: any WallClock
    let logger: Logger
    let beatSeconds: Double
    let onEscalated: @Sendable (Ticket, Int) -> Void
    /// Where a failing store is said, once per episode.
    public let faults: StoreFaultBoard
    public static let serviceName = "escalation"

    public init(helpdesk: Helpdesk, clock: any WallClock, logger: Logger, beatSeconds: Double = 30, faults: StoreFaultBoard = StoreFaultBoard(),
                onEscalated: @escaping @Sendable (Ticket, Int) -> Void = { _, _ in }) {
        self.faults = faults
        self.helpdesk = helpdesk
        self.clock = clock
        self.logger = logger
        self.beatSeconds = beatSeconds
        self.onEscalated = onEscalated
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await self.escalateDue(at: self.clock.nowSeconds())
                        if let f = self.faults.recovered(Self.serviceName) {
                            self.logger.notice("escalation checks work again", metadata: ["since": "\(f.since)"])
                        }
                    } catch is CancellationError { throw CancellationError() } catch {
                        if self.faults.failed(Self.serviceName, error: error, at: self.clock.nowSeconds()) {
                            self.logger.error("escalation check failed; retrying on every beat", metadata: ["error": "\(error)"])
                        }
                    }
                    try await self.clock.sleep(untilMonotonic: self.clock.monotonic() + self.beatSeconds)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// One pass: escalates what is due at `now`; returns (ticket number, level) per escalation.
    @discardableResult
    public func escalateDue(at now: EpochSeconds) async throws -> [(number: String, level: Int)] {
        let policy = helpdesk.config.escalation
        guard policy.isEnabled else { return [] }
        let calendar = helpdesk.calendar
        var done: [(String, Int)] = []
        for t in try await helpdesk.store.tickets(states: [.open, .acknowledged]) where t.kind == "outage" || t.kind == Ticket.reportedKind {
            var reached = t.escalationLevel
            while let step = policy.due(priority: t.priority, openedAt: t.openedAt, acknowledgedAt: t.acknowledgedAt, resolvedAt: t.resolvedAt,
                                        reachedLevel: reached, now: now, workingSeconds: calendar.workingSeconds(from:to:)) {
                let level = policy.level(step.level)
                let why = step.ground == .unacknowledged ? "not acknowledged" : "not resolved"
                let text = "level \(step.level) (\(level?.name ?? "?")\(level?.people.isEmpty == false ? ": " + level!.people.joined(separator: ", ") : "")): "
                    + "\(why) after \(DurationText.hms(step.thresholdSeconds)) of working time (\(t.priority.rawValue))"
                if try await helpdesk.store.escalateTicket(t.number, to: step.level, text: text, at: now, messages: helpdesk.messages) {
                    logger.notice("ticket escalated", metadata: ["number": "\(t.number)", "level": "\(step.level)", "why": "\(why)"])
                    done.append((t.number, step.level))
                    var u = t
                    u.escalationLevel = step.level
                    helpdesk.announce(u, "escalated", actor: nil, at: now)
                    onEscalated(t, step.level)
                }
                reached = step.level
            }
        }
        return done
    }
}
