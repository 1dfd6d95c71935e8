import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// The central correlator's side of the shared store: the combined view of every live engine,
/// the engines' change notifications, and the leadership lock that lets exactly one correlator
/// act while others wait as hot standbys.
extension PostgresStore: CorrelationSource {
    /// The advisory lock key of the active correlator (one per database).
    static let correlatorLock: Int64 = 7_274_430

    public func combinedView() async throws -> CombinedView {
        var view = CombinedView()
        for (id, st) in try await liveStates() where st.state != .unknown { view.states[id] = CombinedView.State(st.state, since: st.since) }
        let heardSince = liveWithin.map { EpochSeconds(Date().timeIntervalSince1970) - $0 } ?? .min
        // A degradation counts while the source that holds it is live; the earliest in force wins.
        let rows = try await run("reading the degradations in force", """
            SELECT d.element, d.reason, d.since_s FROM degradation d
            WHERE EXISTS (SELECT 1 FROM source s WHERE s.kind = 'engine' AND s.engine = d.engine AND s.prober = d.prober
                          AND s.ended_s IS NULL AND s.last_seen_s >= \(heardSince))
            ORDER BY d.element, d.since_s, d.engine
            """)
        for try await (element, reason, since) in rows.decode((String, String, Int64).self) where view.degraded[element] == nil {
            view.degraded[element] = CombinedView.Degraded(reason, since: since)
        }
        let details = try await run("reading the port readings", "SELECT target, detail, at_s, port_state FROM link_last")
        for try await (target, detail, at, state) in details.decode((String, String, Int64, String?).self) {
            if !detail.isEmpty { view.linkDetail[target] = detail }
            if let state = state.flatMap(TargetState.init(rawValue:)) { view.portReads[target] = PortRead(at: at, state: state, detail: detail) }
        }
        return view
    }

    /// Listens on the `channels` (`pantau_observation`: engines' state changes and
    /// degradations; `pantau_ticket`: ticket changes) on a connection of its own, so a
    /// transaction on the store's connection never holds a notification back.
    public nonisolated func waitForChanges(on channels: Set<ChangeChannel>, _ onChange: @escaping @Sendable () -> Void) async throws {
        let listener: PostgresConnection
        do {
            listener = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        } catch {
            throw PantauError(.storage, operation: "connecting the notification listener", subject: location.description, message: Self.describe(error))
        }
        do {
            try await Self.listen(listener, Array(channels).sorted { $0.rawValue < $1.rawValue }, [], onChange)
        } catch is CancellationError {
            try? await listener.close()
            throw CancellationError()
        } catch {
            try? await listener.close()
            throw PantauError(.storage, operation: "listening for changes", subject: location.description, message: Self.describe(error))
        }
        try? await listener.close()
    }

    /// Registers each channel in turn (nested, so every LISTEN is in place), then reads them all.
    static func listen(_ c: PostgresConnection, _ channels: [ChangeChannel], _ sequences: [PostgresNotificationSequence],
                       _ onChange: @escaping @Sendable () -> Void) async throws {
        if let first = channels.first {
            try await c.listen(on: first.rawValue) { seq in try await listen(c, Array(channels.dropFirst()), sequences + [seq], onChange) }
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seq in sequences { group.addTask { for try await _ in seq { onChange() } } }
            onChange()  // listening now: anything written before is read by the first look
            try await group.next()
            group.cancelAll()
        }
    }

    /// Tries to become the active correlator: true when this connection holds the lock (kept
    /// until the connection closes — a crash, a `kill -9` or a lost network releases it at once).
    public func tryLeadership() async throws -> Bool {
        var held = false
        for try await x in try await run("taking the correlator lock", "SELECT pg_try_advisory_lock(\(Self.correlatorLock))").decode(Bool.self) { held = x }
        return held
    }
}
