import PantauCore
import PantauProbes
import PantauStoreKit

extension SNMPPoller {
    /// Applies queued traps: a linkDown/linkUp from a known device with the right credentials
    /// changes the matching link at once (the next poll confirms or corrects it). Everything
    /// else is counted and logged once per sender and reason; nothing else changes state.
    func applyTraps(_ state: RunState) {
        let traps = trapInbox.withLock { q in defer { q = [] }; return q }
        guard !traps.isEmpty else { return }
        let at = clock.nowSeconds()
        var rejected: [SNMPTrapRejection] = []
        var batch = ObservationBatch(source: source, at: at)
        for trap in traps {
            guard let target = targets.first(where: { $0.device.address == trap.source }) else {
                rejected.append(SNMPTrapRejection(source: trap.source, reason: .unknownSender))
                continue
            }
            let c = target.credentials
            let authentic = switch trap.version {
            case .v1, .v2c: c.version != .v3 && trap.community == c.community.reveal()
            case .v3: c.version == .v3 && trap.user == c.user
            }
            guard authentic else {
                rejected.append(SNMPTrapRejection(source: trap.source, reason: .badCredentials))
                continue
            }
            let down = trap.trapOID == SNMPObjects.linkDown
            guard down || trap.trapOID == SNMPObjects.linkUp else { continue }  // other notifications: not ours to judge
            guard let ifIndex = trap.varBinds.first(where: { SNMPObjects.ifIndex.isPrefix(of: $0.oid) })?.value.int else {
                rejected.append(SNMPTrapRejection(source: trap.source, reason: .garbled))
                continue
            }
            // Name the port from the trap's ifName/ifDescr if present, else from the last poll.
            let name = state.readings[target.device.id]?.interfaces.first { $0.ifIndex == UInt32(ifIndex) }?.name
                ?? trap.varBinds.first { SNMPObjects.ifName.isPrefix(of: $0.oid) || SNMPObjects.ifDescr.isPrefix(of: $0.oid) }?.value.text
            guard let name else {
                logger.warning("link trap for a port not seen yet", metadata: ["device": "\(target.device.id)", "ifIndex": "\(ifIndex)"])
                continue
            }
            let end = LinkEnd(device: target.device.id, interface: name)
            for link in inventory.links where link.ends.contains(end) {
                guard var m = state.machines[link.id] else { continue }
                let to: TargetState = down ? .down : .up
                if case .record(let from, let to, let since)? = m.force(to, at: at) {
                    batch.observations.append(Observation(kind: .link, element: link.id, source: source, what: .state(from: from, to: to),
                                                          since: since, evidence: "\(down ? "linkDown" : "linkUp") trap from \(end.device)/\(end.interface)",
                                                          provisional: true))
                }
                // Read the port back now rather than at the next interval: confirm or correct the trap.
                state.trapPending[link.id] = to
                state.trapAt[link.id] = clock.monotonic()
                state.contradicted[link.id] = nil
                let id = target.device.id
                if let regular = state.nextDue[id], regular > clock.monotonic() { state.resume[id] = state.resume[id] ?? regular }
                state.setDue(id, clock.monotonic())
                logger.notice("link trap applied", metadata: ["link": "\(link.id)", "trap": "\(down ? "linkDown" : "linkUp")",
                                                              "port": "\(end.device)/\(end.interface)"])
                state.machines[link.id] = m
            }
        }
        for r in rejected { enqueue(r) }
        if !batch.observations.isEmpty { bus.publish(batch) }
    }
}
