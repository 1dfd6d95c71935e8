import PantauCore

/// The out-of-cycle path read: when ICMP confirms a site down and the ports on its path to the
/// core (the watched links up to the first site still answering) have not been read since it
/// failed, their devices are read at once instead of at their next poll, so the correlator
/// blames a cut, a silent device or the OPD's own power on evidence gathered after the failure.
/// Read at once (a port shown down is the cut: a cache only lags), and again past the agent's
/// IF-MIB cache when nothing read since the failure showed it (an "up" may be the cache),
/// rate-limited per device (`pathReadGap`), bounded by the read's own timeout and retries.
extension SNMPPoller {
    /// At most one out-of-cycle read of a device this often (seconds); a later request waits for it.
    static let pathReadGap: Double = 4
    /// How long a site's request is kept while its devices are busy or rate-limited (seconds).
    static let pathReadPatience: Double = 30

    /// Takes the sites ICMP confirmed down from the bus and schedules the reads their paths need.
    func schedulePathReads(_ state: RunState) {
        guard let mailbox = pathMailbox else { return }
        let now = clock.monotonic()
        for batch in mailbox.drain() where batch.source.prober == .icmp {
            for o in batch.observations where o.kind == .site {
                guard case .state(_, let to) = o.what else { continue }
                state.sites.sites[o.element] = ElementState(to, since: o.since)
                if to == .down { state.pathWanted[o.element] = (o.since, now + Self.pathReadPatience) }
                else { state.pathWanted[o.element] = nil }
            }
        }
        let wallToEngine = now - clock.now()
        for (site, want) in state.pathWanted.sorted(by: { $0.key < $1.key }) {
            var waiting = false
            // Past the agent's IF-MIB cache after the failure: an earlier read may show the port as it was before.
            let earliest = Double(want.since) + Self.recheckAfter + wallToEngine
            for l in pathAnalyzer.pathLinks(to: site, in: state.sites) {
                for e in pathAnalyzer.ends(of: l) where polled.contains(e.device) {
                    // Read since the failure already (a poll, a trap's read-back, another site's path read).
                    if let read = state.readingAt[e.device], read >= Double(want.since + RootCauseAnalyzer.agentCacheSeconds) { continue }
                    waiting = true
                    if state.retrying.contains(e.device) { continue }  // its walk is under way; the next one counts
                    // A first read at once: an agent's cache can only lag, so a port it shows down
                    // is the cut, now. Only when no read since the failure shows it (an "up" may
                    // be the cache) is the device read again past the cache.
                    let readSinceFailure = (state.readingAt[e.device] ?? -.infinity) >= Double(want.since)
                        || (state.pathReadAt[e.device] ?? -.infinity) >= Double(want.since) + wallToEngine
                    let when = max(now, readSinceFailure ? earliest : now, (state.pathReadAt[e.device] ?? -.infinity) + Self.pathReadGap)
                    let regular = state.nextDue[e.device] ?? .infinity
                    guard when < regular else { continue }  // due by then anyway (or already scheduled)
                    if state.resume[e.device] == nil { state.resume[e.device] = regular }
                    state.setDue(e.device, when)
                    state.pathReadAt[e.device] = when
                    state.pathLane.insert(e.device)
                    logger.info("path read: reading the ports toward a silent site now", metadata: [
                        "site": "\(site)", "link": "\(l)", "device": "\(e.device)"])
                }
            }
            if !waiting || now >= want.until { state.pathWanted[site] = nil }
        }
    }
}
