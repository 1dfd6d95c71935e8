import Synchronization
import PantauCore

/// A scripted fault on the simulated network.
public struct SimulatedFault: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A link is cut (e.g. an undersea FO): everything behind it loses its path.
        case linkCut(String)
        /// A site's device is off (e.g. power not switched back on at the OPD).
        case siteDown(String)
        /// A site's echo replies are lost (congestion, a busy CPE) while the site stays up.
        case echoLoss(String)
    }
    public var kind: Kind
    public var from: Double
    public var to: Double

    public init(_ kind: Kind, from: Double, to: Double) {
        self.kind = kind
        self.from = from
        self.to = to
    }
}

/// The demo's network: answers pings as the inventory's topology would, given the faults
/// active at the clock's current time. Only the transport is simulated: the engine,
/// state machines, store and availability math are the real ones.
public final class SimulatedEchoTransport: EchoTransport, Sendable {
    let inventory: Inventory
    let topology: Topology
    let clock: any WallClock
    let faults: Mutex<[SimulatedFault]>
    let bySiteAddress: [String: String]
    let baseRtt: [String: Double]

    public init(inventory: Inventory, clock: any WallClock, faults: [SimulatedFault]) {
        self.inventory = inventory
        topology = Topology(inventory)
        self.clock = clock
        self.faults = Mutex(faults)
        // Keyed by the address as the transport prints it (canonical IPv6), so any spelling in the inventory matches.
        bySiteAddress = Dictionary(inventory.sites.compactMap { s in
            s.address.map { a in (IPAddressText.parse(a).map(IPAddressText.format) ?? a, s.id) }
        }, uniquingKeysWith: { a, _ in a })
        // Base RTT grows with the media on the path: undersea and radio hops cost more.
        var rtt: [String: Double] = [:]
        let topo = topology
        func compute(_ id: String, depth: Int) -> Double {
            if let v = rtt[id] { return v }
            guard depth < 64, let site = inventory.site(id), let first = site.uplinks.first, let link = inventory.link(first),
                  !topo.coreSites.contains(id) else { return 0.3 }
            let hop: Double = switch link.kind {
            case .foUndersea: 6.0
            case .wireless: 3.5
            case .isp: 12.0
            case .copper: 0.4
            default: 0.6
            }
            let v = compute(link.from, depth: depth + 1) + hop
            rtt[id] = v
            return v
        }
        for s in inventory.sites { _ = compute(s.id, depth: 0) }
        baseRtt = rtt
    }

    /// The scripted faults (for the simulated SNMP agents of the same network).
    public var scriptedFaults: [SimulatedFault] { faults.withLock { $0 } }

    /// Sites that answer at time `t`.
    public func reachableSites(at t: Double) -> Set<String> {
        let active = faults.withLock { $0.filter { t >= $0.from && t < $0.to } }
        var sites: Set<String> = [], links: Set<String> = []
        for f in active {
            switch f.kind {
            case .linkCut(let l): links.insert(l)
            case .siteDown(let s): sites.insert(s)
            case .echoLoss: break
            }
        }
        return topology.reachable(inventory: inventory, failedSites: sites, failedLinks: links)
    }

    public func exchange(_ targets: [EchoTarget], maxRate: Int) async throws -> EchoExchange {
        let start = clock.now()
        let up = reachableSites(at: start)
        let lossy = Set(faults.withLock { $0 }.compactMap { f -> String? in
            guard start >= f.from && start < f.to, case .echoLoss(let s) = f.kind else { return nil }
            return s
        })
        var replies: [EchoReply] = []
        var waitMs = 0
        for (i, t) in targets.enumerated() {
            let site = bySiteAddress[t.dotted]
            let answers = site.map { up.contains($0) && !lossy.contains($0) } ?? false
            if !answers { waitMs = max(waitMs, (t.packets - 1) * t.packetGapMs + t.timeoutMs) }
            guard answers, let site else { continue }
            for p in 0..<t.packets {
                // Deterministic small jitter from the time, target and packet.
                var h = UInt64(bitPattern: Int64(start * 10)) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i * 31 + p)
                h ^= h >> 29
                let jitter = Double(h % 1000) / 1000 * 0.4
                replies.append(EchoReply(target: i, packet: p, rttMs: (baseRtt[site] ?? 0.3) + jitter))
            }
        }
        if waitMs > 0 { try await clock.sleep(until: start + Double(waitMs) / 1000) }
        return EchoExchange(sent: targets.map(\.packets), replies: replies)
    }
}
