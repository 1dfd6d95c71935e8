import Synchronization
import PantauCore

/// The demo's switches: every inventory device answers IF-MIB for the ports of its links, as
/// the simulated network stands at the clock's time. A cut link's ports are oper-down; a site
/// whose device is off keeps its port lit (the fibre ends in a media converter that stays up,
/// the "power not switched back on at the OPD" case); a device the engine cannot reach does
/// not answer.
/// Counters grow with each link's traffic while its ports are up. Nothing is sent anywhere.
public final class SimulatedSNMPTransport: SNMPTransport {
    let inventory: Inventory
    let network: SimulatedEchoTransport
    let clock: any WallClock
    let start: Double
    /// Device id -> its link ports by ifIndex (1-based, in name order).
    let ports: [String: [(name: String, link: Link)]]

    /// Like net-snmp's snmpd (~5 s), the agent answers port states from a table refreshed
    /// at most this often (0: always current): its reads lag its own traps by up to this long.
    let tableCacheSeconds: Double
    /// When each device's table was last refreshed.
    let refreshed = Mutex<[String: Double]>([:])

    /// Devices that do not answer at a time although reachable (a busy or hung agent, a lost
    /// reply): the engine sees a timeout, as from a dead device.
    let silent: @Sendable (_ device: String, _ at: Double) -> Bool

    public init(inventory: Inventory, network: SimulatedEchoTransport, clock: any WallClock, tableCacheSeconds: Double = 0,
                silent: @escaping @Sendable (_ device: String, _ at: Double) -> Bool = { _, _ in false }) {
        self.silent = silent
        self.tableCacheSeconds = tableCacheSeconds
        self.inventory = inventory
        self.network = network
        self.clock = clock
        start = clock.now()
        var p: [String: [(name: String, link: Link)]] = [:]
        for l in inventory.links { for e in l.ends { p[e.device, default: []].append((e.interface, l)) } }
        ports = p.mapValues { $0.sorted { $0.name < $1.name } }
    }

    /// Seconds in [start, t) during which the link carried traffic.
    func upSeconds(_ link: Link, until t: Double) -> Double {
        var down: [(Double, Double)] = []
        for f in network.scriptedFaults {
            let hits: Bool = switch f.kind {
            case .linkCut(let l): l == link.id
            case .siteDown, .echoLoss: false
            }
            if hits { down.append((max(f.from, start), min(f.to, t))) }
        }
        let lost = down.filter { $0.0 < $0.1 }.reduce(0) { $0 + ($1.1 - $1.0) }  // demo faults do not overlap per link
        return max(0, t - start - lost)
    }

    func isUp(_ link: Link, at t: Double) -> Bool {
        !network.scriptedFaults.contains { f in
            guard t >= f.from && t < f.to else { return false }
            return switch f.kind {
            case .linkCut(let l): l == link.id
            case .siteDown, .echoLoss: false
            }
        }
    }

    /// Octets per second on a link: a steady share of its contracted bandwidth, fixed per link.
    func octetsPerSecond(_ link: Link) -> Double { Self.octetsPerSecond(link, inventory: inventory) }

    /// The same for any simulated prober (the demo's mirror port counts the same load).
    public static func octetsPerSecond(_ link: Link, inventory: Inventory) -> Double {
        let mbps = link.bandwidthMbps ?? inventory.site(link.to)?.bandwidthMbps ?? 100
        let share = 0.15 + Double(link.id.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) % 1000 }) / 1000 * 0.5
        return mbps * share * 1_000_000 / 8
    }

    func view(_ device: String, at t: Double) -> AgentView {
        var v = AgentView()
        v[SNMPObjects.sysUpTime] = .timeticks(UInt32(truncatingIfNeeded: Int64((t - start + 86_400 * 40) * 100)))
        let table = refreshed.withLock { r in
            if let last = r[device], t - last < tableCacheSeconds { return last }
            r[device] = t
            return t
        }
        for (k, p) in (ports[device] ?? []).enumerated() {
            let i = UInt32(k + 1), up = isUp(p.link, at: table)
            let octets = UInt64(octetsPerSecond(p.link) * upSeconds(p.link, until: t))
            v[SNMPObjects.ifName.appending(i)] = .octets(Array(p.name.utf8))
            v[SNMPObjects.ifAlias.appending(i)] = .octets(Array((p.link.name ?? p.link.id).utf8))
            v[SNMPObjects.ifAdminStatus.appending(i)] = .integer(1)
            v[SNMPObjects.ifOperStatus.appending(i)] = .integer(up ? 1 : 2)
            v[SNMPObjects.ifHighSpeed.appending(i)] = .gauge32(1000)
            v[SNMPObjects.ifHCInOctets.appending(i)] = .counter64(octets)
            v[SNMPObjects.ifHCOutOctets.appending(i)] = .counter64(octets / 3)
        }
        return v
    }

    public func execute(_ requests: [SNMPRequest]) async -> [SNMPResponse] {
        let t = clock.now()
        let reachable = network.reachableSites(at: t)
        let fake = RecordingSNMPTransport()
        for r in requests {
            guard let d = inventory.device(r.id), reachable.contains(d.site), !silent(d.id, t) else {
                fake.update(r.id) { $0.behaviour = .silent }
                continue
            }
            fake.update(r.id) { $0 = view(d.id, at: t) }
        }
        let out = await fake.execute(requests)
        // A silent device costs its timeouts, as on a real network.
        if let wait = zip(requests, out).filter({ $0.1.failure != nil }).map({ $0.0.timeoutSeconds * Double($0.0.retries + 1) }).max() {
            try? await clock.sleep(until: t + wait)
        }
        return out
    }
}
