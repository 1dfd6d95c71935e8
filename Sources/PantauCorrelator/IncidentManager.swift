import Foundation
import Logging
import PantauBus
import PantauCore
import PantauStoreKit
import ServiceLifecycle

/// The correlator as a sibling service: subscribes to the observation bus, keeps the network
/// snapshot (confirmed states, degradations and their evidence), correlates it over the
/// topology, and turns root causes into gangguan tickets through the ticket store. It seeds
/// itself from the store at start (open tickets, current states), so a restart never opens a
/// second ticket and it can later run as its own process reading what several engines write.
///
/// It evaluates on its own beat, and at once when a state or degradation arrives, so a
/// confirmed FO cut becomes a ticket within moments of being seen.
public final class IncidentManager: Service, Sendable {
    let inventory: Inventory
    let config: IncidentConfig
    let store: any TicketStore & HistoryStore
    let subscription: ObservationSubscription
    let clock: any WallClock
    let logger: Logger
    let calendar: WorkingCalendar
    let analyzer: RootCauseAnalyzer
    let watchedLinks: Set<String>
    let messages: @Sendable (Ticket, TicketChange) -> [OutboxDraft]
    let runFor: Double?
    /// Where a failing store is said (once per episode) for the log, `pantau status` and the dashboard.
    public let faults: StoreFaultBoard
    /// Backoff while the store fails.
    let retry: StoreRetry
    /// Where every ticket change it commits is published (live pages, console, tests).
    public let tickets: TicketFeed

    /// The name the correlator goes by on the fault board.
    public static let serviceName = "correlator"

    public init(inventory: Inventory, config: IncidentConfig, store: any TicketStore & HistoryStore, bus: ObservationBus,
                clock: any WallClock, logger: Logger, runFor: Double? = nil, faults: StoreFaultBoard = StoreFaultBoard(),
                retry: StoreRetry = StoreRetry(), tickets: TicketFeed = TicketFeed(),
                messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) {
        self.faults = faults
        self.retry = retry
        self.tickets = tickets
        self.inventory = inventory
        self.config = config
        self.store = store
        subscription = bus.subscribe("correlator")
        self.clock = clock
        self.logger = logger
        calendar = WorkingCalendar(spec: inventory.calendar, timeZone: TimeZone(identifier: inventory.timezone) ?? .current)
        analyzer = RootCauseAnalyzer(inventory: inventory)
        watchedLinks = Set(inventory.links.filter { !$0.ends.isEmpty }.map(\.id))
        self.messages = messages
        self.runFor = runFor
    }

    /// What the correlator knows, built from observations only.
    struct View {
        var snapshot = NetworkSnapshot()
        /// When each element's degradation last cleared (its "healthy since" as a degradation).
        var degradationClearedAt: [String: EpochSeconds] = [:]
        /// Links whose state a trap set and no poll has read back yet.
        var provisional: Set<String> = []
    }

    /// Mutable state of one run, touched only by the task running `run()`.
    final class RunState: @unchecked Sendable {
        var tracker = IncidentTracker(policy: .init())
        var view = View()
        /// The tracker must be rebuilt from the store before the next evaluation (at start, and
        /// after a store call failed midway: the store, not memory, says which tickets exist).
        var needsAdopt = true
        /// No store call before this (monotonic) while the store fails.
        var retryAt = -Double.infinity
        var retry: StoreRetry
        init(retry: StoreRetry) { self.retry = retry }
    }

    /// Runs until shut down. A store that fails (busy past its timeout, disk full, a PostgreSQL
    /// restart) never ends it: the failure is said once (log, fault board), observations keep
    /// arriving into the view, and the store is retried with backoff; once it answers, the
    /// tracker is rebuilt from the tickets it holds and evaluation goes on from the live view.
    public func run() async throws {
        let state = RunState(retry: retry)
        let start = clock.monotonic()
        let until = runFor.map { start + $0 }
        do {
            try await cancelWhenGracefulShutdown {
                var nextBeat = start
                var seeded = false
                while !Task.isCancelled {
                    let now = self.clock.monotonic()
                    if let until, now >= until { break }
                    if !seeded, now >= state.retryAt {
                        // The current states recorded by live sources, before the first batch.
                        seeded = await self.storeCall(state) {
                            // What arrived on the bus while the store was away is newer than what it recorded.
                            let recorded = try await self.seed().snapshot
                            state.view.snapshot.sites.merge(recorded.sites) { live, _ in live }
                            state.view.snapshot.links.merge(recorded.links) { live, _ in live }
                        }
                    }
                    var news = false
                    for batch in self.subscription.drain() { news = self.apply(batch, to: &state.view) || news }
                    // A failed store call is retried when its backoff ends, not only on the next beat or batch.
                    let retryDue = state.retryAt.isFinite && now >= state.retryAt
                    if seeded, news || now >= nextBeat || retryDue {
                        await self.evaluateSurviving(state, at: self.clock.nowSeconds(), reconcile: now >= nextBeat)
                        if now >= nextBeat { nextBeat = now + self.config.evaluateEvery }
                    }
                    // Not seeded yet (the store failed at start): nothing to evaluate before the retry.
                    var wake = seeded ? nextBeat : state.retryAt
                    if state.retryAt > now { wake = min(wake, state.retryAt) }
                    if let until { wake = min(wake, until) }
                    // Sleep until the next beat, or less when a batch arrives.
                    if let batch = try await self.nextBatch(untilMonotonic: wake), self.apply(batch, to: &state.view), seeded {
                        await self.evaluateSurviving(state, at: batch.at)
                    }
                }
            }
        } catch is CancellationError {
            return  // graceful shutdown
        }
        if until != nil { await parkUntilShutdown() }
    }

    /// Evaluates unless the store is being waited for; rebuilds the tracker first when needed.
    func evaluateSurviving(_ state: RunState, at: EpochSeconds, reconcile: Bool = false) async {
        guard clock.monotonic() >= state.retryAt else { return }
        _ = await storeCall(state) {
            if state.needsAdopt {
                state.tracker = try await self.adopt()
                state.needsAdopt = false
            }
            do { try await self.evaluate(state, at: at, reconcile: reconcile) } catch {
                // Actions after the failed one were never performed: the store says what was.
                state.needsAdopt = true
                throw error
            }
        }
    }

    /// Runs a store call; on failure says so once, schedules the retry and returns false.
    func storeCall(_ state: RunState, _ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            state.retry.succeeded()
            state.retryAt = -Double.infinity
            if let fault = faults.recovered(Self.serviceName) {
                logger.notice("store reachable again; tickets follow the live view", metadata: [
                    "since": "\(fault.since)", "attempts": "\(fault.attempts)"])
            }
            return true
        } catch {
            if Task.isCancelled { return false }
            let wait = state.retry.failed()
            state.retryAt = clock.monotonic() + wait
            if faults.failed(Self.serviceName, error: error, at: clock.nowSeconds()) {
                logger.error("store call failed; the correlator keeps watching and retries (tickets wait)", metadata: [
                    "error": "\(error)", "retry_s": "\(wait)"])
            }
            return false
        }
    }

    /// The next batch, or nil when `deadline` (monotonic) comes first.
    func nextBatch(untilMonotonic deadline: Double) async throws -> ObservationBatch? {
        try await withThrowingTaskGroup(of: ObservationBatch?.self) { group in
            group.addTask { try await self.clock.sleep(untilMonotonic: deadline); return nil }
            group.addTask { await self.subscription.next() }
            let first = try await group.next() ?? nil
            group.cancelAll()
            // A batch taken by the losing reader is not lost: collect it too.
            var extra: ObservationBatch?
            while let r = try? await group.next() { if let b = r { extra = b } }
            if let first, let extra {
                // Both finished: keep order (the sleeper returns nil, so at most one is a batch).
                return first.at <= extra.at ? first : extra
            }
            return first ?? extra
        }
    }

    /// Applies a batch; true when it changed a state or a degradation (worth evaluating now).
    func apply(_ batch: ObservationBatch, to view: inout View) -> Bool {
        var news = false
        for sample in batch.icmpSamples where sample.received > 0 {
            view.snapshot.answeredAt[sample.target] = max(view.snapshot.answeredAt[sample.target] ?? .min, sample.at)
        }
        for o in batch.observations {
            switch o.what {
            case .state(let from, let to):
                if o.provisional { view.provisional.insert(o.element) } else { view.provisional.remove(o.element) }
                news = true
                if from == to { continue }  // a confirmation: the state stands, now read back by a poll
                let st = ElementState(to, since: o.since, detail: o.evidence)
                if o.kind == .link || watchedLinks.contains(o.element) { view.snapshot.links[o.element] = st } else { view.snapshot.sites[o.element] = st }
            case .degradation(let reason):
                // Said again (a source restating what it holds): the earliest instant stands.
                if let reason {
                    view.snapshot.degraded[o.element] = Degradation(reason, since: min(o.since, view.snapshot.degraded[o.element]?.since ?? o.since))
                    view.degradationClearedAt[o.element] = nil
                } else if view.snapshot.degraded.removeValue(forKey: o.element) != nil || view.degradationClearedAt[o.element] == nil {
                    // Also a clear of a degradation this view never saw (held before a restart):
                    // a notice adopted from the store recovers from it.
                    view.degradationClearedAt[o.element] = o.since
                }
                news = true
            }
        }
        // The latest port reading explains a link's state on the ticket.
        var read = false
        for s in batch.linkSamples {
            if !s.detail.isEmpty { view.snapshot.links[s.target]?.detail = s.detail }
            // A read is evidence for a silent site's cause (taken after it failed, or not).
            if let state = s.portState, (view.snapshot.portReads[s.target]?.at ?? .min) <= s.at {
                view.snapshot.portReads[s.target] = PortRead(at: s.at, state: state, detail: s.detail)
                read = true
            }
        }
        // A silent site may have been waiting for this read.
        if read, view.snapshot.sites.values.contains(where: { $0.state == .down }) { news = true }
        return news
    }

    /// The tracker seeded with the store's live and recently resolved tickets.
    func adopt() async throws -> IncidentTracker {
        try Task.checkCancellation()
        var t = IncidentTracker(policy: config.tracker)
        for ticket in try await store.tickets(states: [.open, .acknowledged, .resolved]) {
            guard let parsed = RootCause.parse(key: ticket.rootKey) else { continue }
            if ticket.state == .resolved {
                if let r = ticket.resolvedAt { t.adopt(resolvedKey: ticket.rootKey, at: r) }
                continue
            }
            t.adopt(open: RootCause(element: parsed.element, cause: ticket.cause, affectedSites: ticket.affectedSites,
                                    startedAt: ticket.startedAt, evidence: ticket.evidence), flaps: ticket.flaps)
        }
        return t
    }

    /// Current states as recorded by live sources (for a correlator that starts beside running engines).
    func seed() async throws -> View {
        var view = View()
        for (id, st) in try await store.currentStatus() where st.state != .unknown && !st.sessionEnded {
            let e = ElementState(st.state, since: st.since ?? 0)
            if watchedLinks.contains(id) { view.snapshot.links[id] = e } else if inventory.site(id) != nil { view.snapshot.sites[id] = e }
        }
        return view
    }

    func inMaintenance(_ id: String, at: EpochSeconds) -> Bool {
        inventory.maintenance.contains { $0.target == id && $0.range.contains(at) }
    }

    /// `reconcile` (on the beat, not on every batch of news): a ticket resolved by hand while its
    /// element still fails must not leave the outage without one; one query per beat finds them.
    func evaluate(_ state: RunState, at: EpochSeconds, reconcile: Bool = false) async throws {
        if reconcile {
            let liveTickets = try await store.tickets(states: [.open, .acknowledged])
            for key in state.tracker.reconcile(liveKeys: Set(liveTickets.map(\.rootKey)), at: at) {
                logger.notice("ticket no longer live in the store (resolved by hand?); the incident is re-evaluated", metadata: ["root": "\(key)"])
            }
            // A ticket opened by another process (`pantau bandwidth test --record`) is followed
            // from here on: it resolves when its element is known healthy, like one of ours.
            for t in liveTickets where (state.tracker.incidents[t.rootKey].map { $0.phase == .pending } ?? true) && t.mergedInto == nil {
                guard let parsed = RootCause.parse(key: t.rootKey), !t.isHelpdesk else { continue }
                state.tracker.adopt(open: RootCause(element: parsed.element, cause: t.cause, affectedSites: t.affectedSites,
                                                    startedAt: t.startedAt, evidence: t.evidence), flaps: t.flaps)
                logger.notice("following a ticket opened elsewhere", metadata: ["ticket": "\(t.number)", "root": "\(t.rootKey)"])
            }
        }
        let view = state.view
        let snap = view.snapshot
        let roots = analyzer.analyze(snap, at: at, settleSeconds: config.settleSeconds).filter { !inMaintenance($0.element.id, at: at) }
        var failing: Set<String> = [], healthy: [String: EpochSeconds] = [:]
        for (id, st) in snap.sites { if st.state == .down { failing.insert("site:\(id)") } else if st.state == .up { healthy["site:\(id)"] = st.since } }
        for (id, st) in snap.links { if st.state == .down { failing.insert("link:\(id)") } else if st.state == .up { healthy["link:\(id)"] = st.since } }
        // A degradation is failing while in force and healthy from when it cleared (never from when the element came up).
        // Any inventory link can be degraded (optical power over SNMP, bandwidth below contract from a test).
        for (id, _) in snap.degraded { failing.insert(RootCause.key(inventory.link(id) != nil ? .link(id) : .site(id), degraded: true)) }
        for (id, cleared) in view.degradationClearedAt {
            healthy[RootCause.key(inventory.link(id) != nil ? .link(id) : .site(id), degraded: true)] = cleared
        }
        let month = YearMonth(calendar.localDate(of: at)).description
        let provisional = Set(view.provisional.map { RootCause.key(.link($0)) })
        let awaiting = analyzer.awaitingPortEvidence(roots, snap)
        for action in state.tracker.evaluate(roots, failing: failing, healthy: healthy, at: at, provisional: provisional, awaiting: awaiting) {
            try await perform(action, at: at, month: month)
        }
    }

    func perform(_ action: IncidentTracker.Action, at: EpochSeconds, month: String) async throws {
        switch action {
        case .open(let root), .reopen(let root):
            let decision = config.priority.decide(root, inventory: inventory, calendar: calendar, at: at)
            let (t, change) = try await store.openTicket(root, decision: decision, at: at, month: month,
                                                         reopenWithin: config.tracker.reopenWithin, prefix: config.numberPrefix,
                                                         messages: messages)
            if change != .unchanged { emit(t, change, at) }
        case .reroot(let root, let from, let ever):
            var grown = root
            grown.affectedSites = ever
            let decision = config.priority.decide(grown, inventory: inventory, calendar: calendar, at: at)
            let (t, change) = try await store.openTicket(root, decision: decision, at: at, month: month,
                                                         reopenWithin: config.tracker.reopenWithin, prefix: config.numberPrefix,
                                                         explaining: from, messages: messages)
            if change != .unchanged { emit(t, change, at) }
            // Its own ticket was already open: the explained tickets merged into it, the sites join it.
            if change == .unchanged, Set(ever) != Set(t.affectedSites), let u = try await store.updateTicket(rootKey: root.key, root: root, affectedEver: ever, decision: decision,
                                                                          at: at, messages: messages) {
                emit(u, .updated, at)
            }
        case .update(let key, let root, let ever):
            var grown = root
            grown.affectedSites = ever
            let decision = config.priority.decide(grown, inventory: inventory, calendar: calendar, at: at)
            if let t = try await store.updateTicket(rootKey: key, root: root, affectedEver: ever, decision: decision, at: at,
                                                    messages: messages) {
                emit(t, .updated, at)
            }
        case .relapse(let key, let at, let flaps):
            try await store.recordRelapse(rootKey: key, at: at, flaps: flaps)
        case .resolve(let key, let recoveredAt):
            guard let open = try await store.tickets(states: [.open, .acknowledged]).first(where: { $0.rootKey == key }) else { return }
            let wall = recoveredAt - open.startedAt
            let working = calendar.workingSeconds(from: open.startedAt, to: recoveredAt)
            let detail = "recovered at \(ISO8601.format(recoveredAt, in: calendar.timeZone)); outage \(DurationText.hms(wall)) wall time, "
                + "\(DurationText.hms(working)) working time"
            if let t = try await store.resolveTicket(rootKey: key, recoveredAt: recoveredAt, at: at, detail: detail, messages: messages) {
                emit(t, .resolved, at)
            }
        }
    }

    func emit(_ t: Ticket, _ change: TicketChange, _ at: EpochSeconds) {
        logger.notice("ticket \(change.rawValue)", metadata: ["number": "\(t.number)", "root": "\(t.rootKey)", "priority": "\(t.priority.rawValue)"])
        tickets.publish(TicketNews(number: t.number, change: change.rawValue, state: t.state.rawValue, priority: t.priority.rawValue,
                                   cause: t.cause.rawValue, root: t.root, affected: t.affectedSites, actor: nil, at: at))
    }
}
