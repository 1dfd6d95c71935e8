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

    public init(store: any CorrelationSource & TicketStore, tickets: TicketFeed, logger: Logger) {
        self.store = store
        self.tickets = tickets
        self.logger = logger
    }

    public func run() async throws {
        let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.store.waitForChanges(on: [.tickets]) { wake.continuation.yield() } }
                    group.addTask {
                        var seen: [String: String]?
                        for await _ in wake.stream {
                            var now: [String: String] = [:]
                            for t in try await self.store.tickets(states: nil) {
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
}
