import Foundation
import PantauCore
import PantauStoreKit

/// What `pantau status` (and later the dashboard and the API) shows: every site and watched
/// link with its state and last measurement, and every source's health. `Codable`: the JSON
/// contract is this type, encoded by `JSONEncoder`.
public struct StatusReport: Sendable, Codable, Hashable {
    /// A site's state as shown: the recorded state, or `unresolved` when its host name has not
    /// resolved (nothing could be pinged: not known, and not down).
    public enum SiteState: String, Sendable, Codable, Hashable, CaseIterable {
        case up, down, unknown, unresolved
        public init(_ s: TargetState) { self = SiteState(rawValue: s.rawValue) ?? .unknown }
    }

    public struct SiteLine: Sendable, Codable, Hashable {
        public var id: String
        public var name: String
        public var state: SiteState
        /// ISO 8601 in the network's time zone.
        public var since: String?
        public var rttMs: Double?
        public var lossPct: Double?
        /// Why the state is what it is, when the prober said (e.g. the resolver's error).
        public var detail: String?
        enum CodingKeys: String, CodingKey { case id, name, state, since, rttMs = "rtt_ms", lossPct = "loss_pct", detail }
    }

    public struct LinkLine: Sendable, Codable, Hashable {
        public var id: String
        public var kind: String
        public var state: TargetState
        public var since: String?
        public var inBps: Double?
        public var outBps: Double?
        public var rxDbm: Double?
        public var txDbm: Double?
        public var optical: String?
        public var detail: String
        enum CodingKeys: String, CodingKey {
            case id, kind, state, since, inBps = "in_bps", outBps = "out_bps", rxDbm = "rx_dbm", txDbm = "tx_dbm", optical, detail
        }
    }

    /// One prober of one engine: alive, and keeping up?
    public struct SourceLine: Sendable, Codable, Hashable {
        public var source: String
        /// running | stale (stopped heartbeating) | stopped | crashed
        public var state: String
        public var lastSeen: String
        public var cycleStarted: String?
        public var cycleMs: Int?
        public var done: Int?
        public var answered: Int?
        public var late: Int?
        /// ICMP: packets on the engine's socket that were not its replies (another process's
        /// pings), discarded in the last round; the kernel filter drops most before they count.
        public var foreign: Int?
        /// What the engine run said at its start (a damaged spool moved aside), while it runs.
        public var notice: String?
        /// Every target the source watches, and how many of them it has read within their
        /// interval: the count an operator trusts is `current` of `total`, never `answered`.
        public var total: Int?
        public var current: Int?
        /// The targets not read within their interval (the first of them, named).
        public var unread: [UnreadLine]?
        enum CodingKeys: String, CodingKey {
            case source, state, lastSeen = "last_seen", cycleStarted = "cycle_started", cycleMs = "cycle_ms", done, answered, late, foreign, notice
            case total, current, unread
        }
    }

    /// A device or site its source has not read within its interval, and why.
    public struct UnreadLine: Sendable, Codable, Hashable {
        public var id: String
        /// Its last good read, nil when never.
        public var lastRead: String?
        public var why: String
        enum CodingKeys: String, CodingKey { case id, lastRead = "last_read", why }
    }

    public var sites: [SiteLine]
    public var links: [LinkLine]
    public var sources: [SourceLine]
    /// The latest bandwidth test of each configured target and direction.
    public var bandwidth: [BandwidthLine]? = nil
    /// Bandwidth tests running now, by any process (their leases): a manual test waits for them.
    public var bandwidthRunning: [BandwidthRunningLine]? = nil
    /// The mirror-port capture's own counters (kernel drops tell it fell behind).
    public var capture: [CaptureLine]? = nil
    /// The running engine's store writer and services, from its health file (nil: none written).
    public var storeHealth: StoreHealthLine? = nil
    enum CodingKeys: String, CodingKey {
        case sites, links, sources, bandwidth, bandwidthRunning = "bandwidth_running", capture, storeHealth = "store_health"
    }

    /// What `status --format json` says of the store's health (keys in snake case).
    public struct StoreHealthLine: Sendable, Codable, Hashable {
        /// Writing fails now (nil: it works).
        public var failingSince: EpochSeconds?
        public var lastError: String?
        public var pendingBatches: Int
        public var lastOutageFrom: EpochSeconds?
        public var lastOutageTo: EpochSeconds?
        /// Services whose store calls fail now, with since when and why.
        public var services: [String: StoreFault]
        /// Optional probers not running now (the capture without its interface), retried.
        public var probers: [String: StoreFault]
        /// The system clock minus the engine's timeline after a step (nil: none): the engine's
        /// stamps differ from the system clock by this until it is restarted.
        public var clockOffsetSeconds: Double?
        /// When the engine wrote it.
        public var at: EpochSeconds
        enum CodingKeys: String, CodingKey {
            case failingSince = "failing_since", lastError = "last_error", pendingBatches = "pending_batches"
            case lastOutageFrom = "last_outage_from", lastOutageTo = "last_outage_to", services, probers
            case clockOffsetSeconds = "clock_offset_s", at
        }
        public init(_ h: StoreHealth) {
            failingSince = h.failingSince
            lastError = h.lastError
            pendingBatches = h.pendingBatches
            lastOutageFrom = h.lastOutageFrom
            lastOutageTo = h.lastOutageTo
            services = h.services ?? [:]
            probers = h.probers ?? [:]
            clockOffsetSeconds = h.clockStep.map { ($0.offset * 10).rounded() / 10 }
            at = h.at
        }
    }

    public struct CaptureLine: Sendable, Codable, Hashable {
        public var interface: String
        public var at: String
        public var received: Int64
        public var dropped: Int64
        public var interfaceDropped: Int64
        public var unattributed: Int64
        enum CodingKeys: String, CodingKey {
            case interface, at, received, dropped, interfaceDropped = "interface_dropped", unattributed
        }
    }

    public struct BandwidthRunningLine: Sendable, Codable, Hashable {
        public var target: String
        public var holder: String
        public var since: String
        public var until: String
        public var links: [String]
    }

    public struct BandwidthLine: Sendable, Codable, Hashable {
        public var target: String
        public var direction: String
        public var at: String
        public var mbps: Double?
        public var contractMbps: Double?
        /// ok | short | below-contract | no-figure
        public var verdict: String
        public var error: String?
        enum CodingKeys: String, CodingKey { case target, direction, at, mbps, contractMbps = "contract_mbps", verdict, error }
    }
}

/// Builds the status read model from the store, with the staleness rule: a state whose source
/// stopped heartbeating (killed, host down, store unwritable) is shown unknown from its last
/// heartbeat, per source, so a dead ICMP prober makes sites unknown even while SNMP beats on.
public struct StatusQuery: Sendable {
    public let inventory: Inventory
    public let probes: ProbeConfig
    public let snmp: SNMPProbeConfig

    public let bandwidthConfig: BandwidthConfig

    public init(inventory: Inventory, probes: ProbeConfig, snmp: SNMPProbeConfig, bandwidth: BandwidthConfig = BandwidthConfig()) {
        bandwidthConfig = bandwidth
        self.inventory = inventory
        self.probes = probes
        self.snmp = snmp
    }

    /// Seconds without a heartbeat after which a site's ICMP state is no longer vouched for.
    public func staleAfter(site: Site) -> EpochSeconds {
        let s = probes.icmp(for: site)
        return EpochSeconds(2 * s.intervalSeconds + s.timeoutMs / 1000 + 5)
    }

    /// The same for a link, from the settings of the device at its `a` end.
    public func staleAfter(link: Link) -> EpochSeconds {
        let s = inventory.devices.first { $0.id == link.ends.first?.device }.map { snmp.settings(for: $0) } ?? snmp.defaults
        return EpochSeconds(2 * s.intervalSeconds) + EpochSeconds(s.timeoutSeconds * Double(s.retries + 1)) + 5
    }

    public func build(store: any HistoryStore & SampleStore & SessionStore, now: EpochSeconds) async throws -> StatusReport {
        let tz = TimeZone(identifier: inventory.timezone) ?? .current
        let iso = { (t: EpochSeconds?) in t.map { ISO8601.format($0, in: tz) } }
        let status = try await store.currentStatus()
        let linkLast = try await store.linkLast()
        func vouched(_ s: TargetStatus?, staleAfter: EpochSeconds) -> (TargetState, EpochSeconds?) {
            guard let s else { return (.unknown, nil) }
            if s.state != .unknown, !s.sessionEnded, let seen = s.lastSeen, now - seen > staleAfter { return (.unknown, seen) }
            return (s.state, s.since)
        }
        let sites = inventory.sites.map { site -> StatusReport.SiteLine in
            let s = status[site.id]
            let (state, since) = vouched(s, staleAfter: staleAfter(site: site))
            // The last round could not ping the site because its name did not resolve (and that round is fresh).
            let unresolved = state == .unknown && s?.note?.hasPrefix("unresolved") == true
                && (s?.lastProbeAt).map { now - $0 <= staleAfter(site: site) } == true
            return .init(id: site.id, name: site.name, state: unresolved ? .unresolved : StatusReport.SiteState(state), since: iso(since),
                         rttMs: s?.rttMs.map { Self.round($0, 3) }, lossPct: s?.lossPct.map { Self.round($0, 1) },
                         detail: unresolved ? s?.note : nil)
        }
        let links = inventory.links.filter { !$0.ends.isEmpty }.map { link -> StatusReport.LinkLine in
            let (state, since) = vouched(status[link.id], staleAfter: staleAfter(link: link))
            let l = linkLast[link.id]
            return .init(id: link.id, kind: link.kind.rawValue, state: state, since: iso(since), inBps: l?.inBps.map { $0.rounded() },
                         outBps: l?.outBps.map { $0.rounded() }, rxDbm: l?.rxDbm.map { Self.round($0, 2) },
                         txDbm: l?.txDbm.map { Self.round($0, 2) }, optical: l?.opticalLevel, detail: l?.detail ?? "")
        }
        let sources = try await store.sourceHealth().map { h -> StatusReport.SourceLine in
            // Each source is stale past its own beat: ICMP and SNMP from their probe intervals,
            // the bandwidth tests and the capture from their fixed heartbeat (two beats and 10 s).
            let prober = ObservationSource.Prober(rawValue: h.prober)
            let interval: EpochSeconds = prober?.heartbeatSeconds.map { 2 * $0 + 10 }
                ?? (prober == .icmp ? inventory.sites.map { staleAfter(site: $0) }.min() ?? 60
                                    : inventory.links.filter { !$0.ends.isEmpty }.map { staleAfter(link: $0) }.min() ?? 120)
            let state = h.endedAt != nil ? (h.endReason == "crash-recovered" ? "crashed" : "stopped")
                : (now - h.lastSeen > interval ? "stale" : "running")
            var line = StatusReport.SourceLine(
                source: "\(h.prober)@\(h.engine)", state: state, lastSeen: ISO8601.format(h.lastSeen, in: tz),
                cycleStarted: h.cycle.map { ISO8601.format(EpochSeconds($0.startedAt.rounded(.down)), in: tz) },
                cycleMs: h.cycle?.durationMs, done: h.cycle?.done, answered: h.cycle?.answered, late: h.cycle?.late,
                foreign: h.cycle?.foreign, notice: h.notice)
            if let c = h.cycle, let total = c.total {
                line.total = total
                line.current = total - (c.unreadCount ?? 0)
                line.unread = (c.unread ?? []).map {
                    .init(id: $0.id, lastRead: $0.lastRead.map { ISO8601.format(EpochSeconds($0.rounded(.down)), in: tz) }, why: $0.why)
                }
            }
            return line
        }
        var report = StatusReport(sites: sites, links: links, sources: sources)
        if let bw = store as? any BandwidthStore, !bandwidthConfig.tests.isEmpty {
            report.bandwidth = try await bandwidthLines(bw, tz: tz)
            let running = try await bw.bandwidthLeases(now: now)
            if !running.isEmpty {
                report.bandwidthRunning = running.map {
                    .init(target: $0.target, holder: $0.holder, since: ISO8601.format($0.startedAt, in: tz), until: ISO8601.format($0.expiresAt, in: tz),
                          links: $0.links.sorted())
                }
            }
        }
        if let traffic = store as? any TrafficStore {
            let stats = try await traffic.captureStatistics()
            if !stats.isEmpty {
                report.capture = stats.map {
                    .init(interface: $0.stats.interface, at: ISO8601.format($0.at, in: tz), received: $0.stats.received,
                          dropped: $0.stats.dropped, interfaceDropped: $0.stats.interfaceDropped, unattributed: $0.stats.unattributed)
                }
            }
        }
        return report
    }

    func bandwidthLines(_ store: any BandwidthStore, tz: TimeZone) async throws -> [StatusReport.BandwidthLine] {
        let judge = BandwidthJudge(config: bandwidthConfig)
        var out: [StatusReport.BandwidthLine] = []
        var seen: Set<String> = []
        for spec in bandwidthConfig.tests where seen.insert(spec.target).inserted {
            let contract = inventory.contractMbps(spec.target)
            for d in [BandwidthDirection.upload, .download] {
                let recent = try await store.bandwidthHistory(target: spec.target, direction: d, limit: 10)
                guard let last = recent.first else { continue }
                let verdict: String = switch judge.verdict(contractMbps: contract, recent: recent.filter { $0.proto == last.proto }) {
                case .ok: "ok"
                case .short: "short"
                case .belowContract: "below-contract"
                case .noFigure: "no-figure"
                }
                out.append(.init(target: spec.target, direction: d.rawValue, at: ISO8601.format(last.at, in: tz),
                                 mbps: last.mbps.map { Self.round($0, 2) }, contractMbps: contract, verdict: verdict, error: last.error))
            }
        }
        return out
    }

    static func round(_ v: Double, _ places: Int) -> Double {
        let f = pow(10.0, Double(places))
        return (v * f).rounded() / f
    }
}

extension JSONEncoder {
    /// The encoder every JSON output of Pantau uses: stable key order, no escaped slashes.
    public static var pantau: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
