import PantauCore
import PantauProbes
import PantauStore

extension SNMPPoller {
    /// Applies queued traps: a linkDown/linkUp from a known device with the right credentials
    /// changes the matching link at once (the next poll confirms or corrects it). Everything
    /// else is counted and logged once per sender and reason; nothing else changes state.
    func applyTraps(_ state: RunState, session: EngineSession, onEvent: @escaping @Sendable (EngineEvent) -> Void) throws {
        let traps = trapInbox.withLock { q in defer { q = [] }; return q }
        var rejections = rejectionInbox.withLock { q in defer { q = [] }; return q }
        guard !traps.isEmpty || !rejections.isEmpty else { return }
        let at = clock.nowSeconds()
        var changes: [StateChange] = []
        var events: [EngineEvent] = []
        for trap in traps {
            guard let target = targets.first(where: { $0.device.address == trap.source }) else {
                rejections.append(SNMPTrapRejection(source: trap.source, reason: .unknownSender))
                continue
            }
            let c = target.credentials
            let authentic = switch trap.version {
            case .v1, .v2c: c.version != .v3 && trap.community == c.community
            case .v3: c.version == .v3 && trap.user == c.user
            }
            guard authentic else {
                rejections.append(SNMPTrapRejection(source: trap.source, reason: .badCredentials))
                continue
            }
            let down = trap.trapOID == SNMPObjects.linkDown
            guard down || trap.trapOID == SNMPObjects.linkUp else { continue }  // other notifications: not ours to judge
            guard let ifIndex = trap.varBinds.first(where: { SNMPObjects.ifIndex.isPrefix(of: $0.oid) })?.value.int else {
                rejections.append(SNMPTrapRejection(source: trap.source, reason: .garbled))
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
                    changes.append(StateChange(target: link.id, state: to, since: since))
                    events.append(.stateChanged(target: link.id, from: from, to: to, since: since))
                }
                events.append(.trapApplied(link: link.id, to: to, at: at))
                logger.notice("link trap applied", metadata: ["link": "\(link.id)", "trap": "\(down ? "linkDown" : "linkUp")",
                                                              "port": "\(end.device)/\(end.interface)"])
                state.machines[link.id] = m
            }
        }
        for r in rejections {
            if try store.countTrapRejection(source: r.source.isEmpty ? "?" : r.source, reason: r.reason.rawValue, at: at) {
                logger.warning("trap rejected (counted; logged once per sender and reason)",
                               metadata: ["source": "\(r.source)", "reason": "\(r.reason.rawValue)"])
            }
        }
        if !changes.isEmpty || !events.isEmpty {
            try store.recordLinkRound(session, at: at, changes: changes, samples: [], optical: [])
        }
        for e in events { onEvent(e) }
    }
}
