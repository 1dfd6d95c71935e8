import Logging
import PantauBus
import PantauCore
import PantauStoreKit
import ServiceLifecycle

/// Delivers the outbox: every due message on its channel, with exponential backoff (honouring
/// a server's retry-after), until sent or given up after `maxAgeSeconds`. Messages live in the
/// database with the ticket change that queued them, so a restart loses or repeats none
/// (a message is marked sent right after the server accepted it).
public final class NotificationService: Service, Sendable {
    let store: any OutboxStore
    let notifiers: [String: any Notifier]
    let clock: any WallClock
    let logger: Logger
    let pollSeconds: Double
    let maxAgeSeconds: Int64
    let runFor: Double?
    /// Where a failing store is said, once per episode.
    public let faults: StoreFaultBoard
    public static let serviceName = "outbox"

    public init(store: any OutboxStore, notifiers: [String: any Notifier], clock: any WallClock, logger: Logger,
                pollSeconds: Double = 2, maxAgeSeconds: Int64 = 24 * 3600, runFor: Double? = nil, faults: StoreFaultBoard = StoreFaultBoard()) {
        self.faults = faults
        self.store = store
        self.notifiers = notifiers
        self.clock = clock
        self.logger = logger
        self.pollSeconds = pollSeconds
        self.maxAgeSeconds = maxAgeSeconds
        self.runFor = runFor
    }

    /// The notifier for each configured channel, by channel name.
    public static func notifiers(for channels: [NotifyChannel]) -> [String: any Notifier] {
        Dictionary(channels.map { c -> (String, any Notifier) in
            switch c.kind {
            case .telegram(let api, let token, let chat): (c.name, TelegramNotifier(channel: c.name, apiURL: api, botToken: token.reveal(), chatID: chat))
            case .webhook(let url, let headers): (c.name, WebhookNotifier(channel: c.name, url: url, headers: headers))
            case .email(let host, let port, let from, let to):
                (c.name, EmailNotifier(channel: c.name, host: host, port: port, from: from, to: to,
                                       security: EmailNotifier.Security(rawValue: c.smtp.security) ?? .starttlsIfOffered,
                                       username: c.smtp.username, password: c.smtp.password, caFile: c.smtp.caFile))
            }
        }, uniquingKeysWith: { a, _ in a })
    }

    /// Backoff after `attempts` failures: 5 s, 10 s, 20 s … capped at 15 minutes.
    public static func backoff(attempts: Int) -> Double { min(900, 5 * pow2(min(attempts, 10))) }
    static func pow2(_ n: Int) -> Double { Double(1 << n) }

    public func run() async throws {
        let start = clock.monotonic()
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if let runFor = self.runFor, self.clock.monotonic() - start >= runFor { break }
                    do {
                        try await self.deliverDue()
                        if let f = self.faults.recovered(Self.serviceName) {
                            self.logger.notice("outbox readable again; delivering", metadata: ["since": "\(f.since)"])
                        }
                    } catch is CancellationError { throw CancellationError() } catch {
                        // Said once per episode; tried again on every beat.
                        if self.faults.failed(Self.serviceName, error: error, at: EpochSeconds(self.clock.now())) {
                            self.logger.error("outbox not readable; messages wait, retrying on every beat", metadata: ["error": "\(error)"])
                        }
                    }
                    try await self.clock.sleep(untilMonotonic: self.clock.monotonic() + self.pollSeconds)
                }
            }
        } catch is CancellationError {
            return  // a normal stop
        }
        if runFor != nil { try? await gracefulShutdown() }
    }

    /// One pass over the due messages; returns how many were sent.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let now = EpochSeconds(clock.now().rounded(.down))
        var sent = 0
        for m in try await store.pendingOutbox(at: now, limit: 100) {
            guard let n = notifiers[m.channel] else {
                try await store.markFailed(m.id, error: "no channel '\(m.channel)' configured any more", retryAt: nil)
                continue
            }
            // Counted before the send: a kill -9 during it leaves the attempt (maybe delivered) on record.
            try await store.beginAttempt(m.id, at: EpochSeconds(clock.now().rounded(.down)))
            switch await n.deliver(m) {
            case .sent:
                try await store.markSent(m.id, at: EpochSeconds(clock.now().rounded(.down)))
                sent += 1
            case .retry(let after, let error):
                let giveUp = now - m.createdAt > maxAgeSeconds
                let wait = after ?? Self.backoff(attempts: m.attempts)
                try await store.markFailed(m.id, error: error, retryAt: giveUp ? nil : now + EpochSeconds(wait.rounded(.up)))
                logger.warning("notification not delivered", metadata: ["message": "\(m.dedupeKey)", "why": "\(error)",
                                                                         "retry_in_s": "\(giveUp ? -1 : Int(wait))"])
            case .failed(let error):
                try await store.markFailed(m.id, error: error, retryAt: nil)
                logger.error("notification failed for good", metadata: ["message": "\(m.dedupeKey)", "why": "\(error)"])
            }
        }
        return sent
    }
}
