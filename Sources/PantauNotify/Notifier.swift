import PantauCore
import PantauStoreKit

/// The outcome of one delivery attempt.
public enum DeliveryResult: Sendable, Hashable {
    case sent
    /// Try again; `after` seconds when the server said so (HTTP 429 retry_after / Retry-After).
    case retry(after: Double?, error: String)
    /// Will never succeed as configured (bad token, 4xx other than 429): kept with the error.
    case failed(error: String)
}

/// Delivers one queued message on one channel. Errors name the channel, never its secrets.
public protocol Notifier: Sendable {
    func deliver(_ message: OutboxMessage) async -> DeliveryResult
}
