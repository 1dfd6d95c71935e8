import PantauBus
import PantauCore
import ServiceLifecycle

/// A subscriber that echoes confirmed state changes as `EngineEvent`s (the console of
/// `pantau run` and the demo, and tests), fed by the store writer once they are durable.
/// Reads to the end on shutdown.
final class EventForwarder: Service, Sendable {
    let subscription: ObservationSubscription
    let onEvent: @Sendable (EngineEvent) -> Void

    init(bus: ObservationBus, onEvent: @escaping @Sendable (EngineEvent) -> Void) {
        subscription = bus.subscribe("console")
        self.onEvent = onEvent
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while let batch = await subscription.next() {
                for o in batch.observations {
                    if case .state(let from, let to) = o.what, from != to {
                        onEvent(.stateChanged(target: o.element, from: from, to: to, since: o.since))
                    }
                }
            }
        } onGracefulShutdown: {
            self.subscription.finish()
        }
        // The stream ended with the store writer: wait for our turn to stop.
        try? await gracefulShutdown()
    }
}
