import Foundation

/// What a silent site's cause rests on: port reads taken after it stopped answering. A read
/// from before the failure says nothing about the failure, so it is never evidence.
extension RootCauseAnalyzer {
    /// Seconds an agent may answer port states from its cached IF-MIB after a change (net-snmp's
    /// snmpd ~5 s, many switches alike): a read this soon after the failure may predate it.
    public static let agentCacheSeconds: EpochSeconds = 5

    /// A read that shows the port as it was after the site failed (past the agent's cache).
    static func isAfter(_ r: PortRead, _ since: EpochSeconds) -> Bool { r.at >= since + agentCacheSeconds }

    /// The suspected cause of a silent site that is a root, and the evidence for it:
    /// `opd-device-or-power` only when a port toward the site was read up after the failure;
    /// otherwise `site-down` ("penyebab belum pasti"), naming what is missing: no answer from the
    /// device, no read since the failure, or no SNMP on its uplinks at all.
    func siteCause(_ site: String, _ info: Site, _ st: ElementState, _ s: NetworkSnapshot) -> (SuspectedCause, [String]) {
        var evidence = ["\(site) (\(info.name)): \(st.detail.isEmpty ? "no ICMP reply" : st.detail) since \(clock(st.since))"]
        // Uplinks some engine reads (ports in the inventory, or reads seen).
        let watched = info.uplinks.filter { !(linksByID[$0]?.ends.isEmpty ?? true) || s.portReads[$0] != nil }
        let after = watched.compactMap { l in s.portReads[l].flatMap { Self.isAfter($0, st.since) ? (l, $0) : nil } }
        let up = after.filter { $0.1.state == .up }
        if !up.isEmpty {
            evidence += up.map { "\($0.0): port up (\($0.1.detail)), read at \(clock($0.1.at)) after the site stopped answering" }
            return (.opdDeviceOrPower, evidence)
        }
        let silent = after.filter { $0.1.state == .unknown }
        if !silent.isEmpty {
            evidence += silent.map { "\($0.0): no SNMP answer at \(clock($0.1.at)) (\($0.1.detail))"
                + ($0.1.detail.contains("device answers but") ? "" : ": device unreachable or timed out") }
        }
        let unread = watched.filter { l in !after.contains { $0.0 == l } }
        if !unread.isEmpty {
            evidence.append("no port reading of \(unread.joined(separator: ", ")) since the failure (past the agent's \(Self.agentCacheSeconds) s cache)"
                            + unread.compactMap { l in s.portReads[l].map { " (\(l) last read \($0.state.rawValue) at \(clock($0.at)), before it)" } }.joined())
        }
        if watched.isEmpty {
            evidence.append("no SNMP port data on \(info.uplinks.isEmpty ? "its uplinks" : info.uplinks.joined(separator: ", "))")
        }
        evidence.append("cause not yet certain (penyebab belum pasti): a cut and a power failure look the same from here")
        return (.siteDown, evidence)
    }

    /// The watched links on a silent site's path toward the core, up to the first site known up
    /// (links above a site that still answers cannot explain the silence): what a path read asks.
    public func pathLinks(to site: String, in s: NetworkSnapshot) -> [String] { path(to: site, in: s).links }

    /// The path walk: the watched links, and the sites known up where it stopped.
    func path(to site: String, in s: NetworkSnapshot) -> (links: [String], answering: [String]) {
        var out: [String] = [], answering: [String] = [], seen: Set<String> = [site], queue = [site]
        while let current = queue.popLast() {
            for l in sitesByID[current]?.uplinks ?? [] {
                guard let link = linksByID[l] else { continue }
                if !link.ends.isEmpty, !out.contains(l) { out.append(l) }
                let far = link.from == current ? link.to : link.from
                guard seen.insert(far).inserted, !topology.coreSites.contains(far) else { continue }
                if s.sites[far]?.state == .up { answering.append(far); continue }
                queue.append(far)
            }
        }
        return (out, answering)
    }

    /// A silent site whose path came back less than `settle` seconds ago (a link on it up again,
    /// or the site above it answering again) is catching up: ICMP needs a few rounds to confirm
    /// it up, and its own port's device may not even have been read since it became reachable.
    func isSettling(_ site: String, _ s: NetworkSnapshot, at: EpochSeconds, settle: Int64) -> Bool {
        let p = path(to: site, in: s)
        let recent = { (st: ElementState?) in st.map { $0.state == .up && at - $0.since < settle } ?? false }
        return p.links.contains { recent(s.links[$0]) } || p.answering.contains { recent(s.sites[$0]) }
    }

    /// Keys of site roots whose path has a watched link not read since the site failed: their
    /// cause would rest on old readings, so the correlator waits (bounded) for the path read.
    public func awaitingPortEvidence(_ roots: [RootCause], _ s: NetworkSnapshot) -> Set<String> {
        var out: Set<String> = []
        for r in roots where r.cause == .siteDown {
            guard case .site(let site) = r.element, let st = s.sites[site] else { continue }
            if pathLinks(to: site, in: s).contains(where: { l in !(s.portReads[l].map { Self.isAfter($0, st.since) } ?? false) }) { out.insert(r.key) }
        }
        return out
    }

    func clock(_ t: EpochSeconds) -> String { ISO8601.clock(t, in: timeZone) }

    /// The watched ends of a link (nil: not in the inventory), without a scan of the links.
    public func ends(of link: String) -> [LinkEnd] { linksByID[link]?.ends ?? [] }
}
