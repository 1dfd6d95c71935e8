import Foundation
import Logging
import PantauBus
import PantauCore
import PantauStoreKit
import ServiceLifecycle

/// Puts ticket changes made by other processes (the correlator, another web face, the CLI) on
/// this process's ticket feed: woken by the store's notifications, it compares the tickets with
/// what it saw last and publishes the differences.
public final class TicketWatch: Service, Sendable {
    let store: any CorrelationSource & TicketStore
    let tickets: TicketFeed
    let logger: Logger
    /// Where a failing store is said, once per episode.
    public let faults: StoreFaultBoard
    public static let serviceName = "ticket watch"

    public init(store: any CorrelationSource & TicketStore, tickets: TicketFeed, logger: Logger, faults: StoreFaultBoard = StoreFaultBoard()) {
        self.faults = faults
        self.store = store
        self.tickets = tickets
        self.logger = logger
    }

    public func run() async throws {
        let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // A lost notification channel is listened to again with backoff (a store
                        // restart must not end the web face); each new listener looks once at start.
                        var retry = StoreRetry()
                        while !Task.isCancelled {
                            do {
                                try await self.store.waitForChanges(on: [.tickets]) { wake.continuation.yield() }
                            } catch is CancellationError { throw CancellationError() } catch {
                                self.failed(error)
                            }
                            try await Task.sleep(for: .seconds(retry.failed()))
                        }
                    }
                    group.addTask {
                        var seen: [String: String]?
                        for await _ in wake.stream {
                            let all: [Ticket]
                            do { all = try await self.store.tickets(states: nil) } catch is CancellationError { break } catch {
                                self.failed(error)
                                continue
                            }
                            _ = self.faults.recovered(Self.serviceName)
                            var now: [String: String] = [:]
                            for t in all {
                                let key = "\(t.state.rawValue)|\(t.priority.rawValue)|\(t.affectedSites.joined(separator: ","))|\(t.escalationLevel)"
                                now[t.number] = key
                                if let seen, seen[t.number] != key {
                                    self.tickets.publish(TicketNews(number: t.number, change: "updated", state: t.state.rawValue,
                                                                    priority: t.priority.rawValue, cause: t.cause.rawValue, root: t.root,
                                                                    affected: t.affectedSites, actor: nil, at: EpochSeconds(Date().timeIntervalSince1970)))
                                }
                            }
                            seen = now
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {}
    }

    func failed(_ error: any Error) {
        if faults.failed(Self.serviceName, error: error, at: EpochSeconds(Date().timeIntervalSince1970)) {
            logger.error("ticket changes of other processes not readable; retrying", metadata: ["error": "\(error)"])
        }
    }
}
