import Foundation
import PantauCore
import PantauProbes
import PantauStoreKit

extension SNMPPoller {
    /// What a poll saw of one port.
    func observation(_ end: LinkEnd, _ state: RunState) -> PortObservation {
        guard let r = state.readings[end.device] else { return .deviceUnreachable }
        if let f = r.failure {
            switch f.kind {
            case .garbled: return .deviceFailed("its replies cannot be read (garbled)")
            case .authentication: return .deviceFailed("refuses the credentials")
            case .agentError: return .deviceFailed("reports an error")
            default: return .deviceUnreachable
            }
        }
        guard let i = r.interface(named: end.interface) else { return .noSuchInterface }
        return .port(adminUp: i.isAdminUp, operStatus: i.operStatus)
    }

    /// Judges links, computes rates and optical health, and feeds the state machines.
    /// `started` is the engine time the poll began (to tell readings inside an agent's cache).
    func evaluate(_ links: [Link], _ state: RunState, at: EpochSeconds, wallNow: Double, started: Double) async -> ObservationBatch {
        var out = ObservationBatch(source: source, at: at)
        for link in links {
            let obs = link.ends.map { ($0, observation($0, state)) }
            for (end, o) in obs where o == .noSuchInterface && state.missingPortsLogged.insert(end).inserted {
                logger.error("link port not found on its device (check the inventory's interface name)",
                             metadata: ["link": "\(link.id)", "device": "\(end.device)", "interface": "\(end.interface)"])
            }
            let verdict = LinkStateJudge.judge(obs)
            if var machine = state.machines[link.id] {
                if let said = state.trapPending[link.id], verdict.state != said, verdict.state != .unknown {
                    judgeContradiction(link, said: said, verdict, &machine, state, at: at, started: started, into: &out)
                } else if case .record(let from, let to, let since)? = machine.observe(verdict.state, at: at) {
                    out.observations.append(Observation(kind: .link, element: link.id, source: source, what: .state(from: from, to: to),
                                                        since: since, evidence: verdict.reason))
                    logger.notice("link state changed", metadata: ["link": "\(link.id)", "to": "\(to.rawValue)", "why": "\(verdict.reason)"])
                    settleTrap(link.id, state)  // a confirmed change settles what a trap said
                    // A port seen going down is read back once more soon (past an agent's cache),
                    // not only at the next interval: a false reading is corrected in seconds.
                    if to == .down { recheck(link, at: started + Self.recheckAfter, state) }
                } else if let said = state.trapPending[link.id], verdict.state == said, let since = machine.since {
                    // The poll read back what the trap said: confirmed.
                    settleTrap(link.id, state)
                    out.observations.append(Observation(kind: .link, element: link.id, source: source,
                                                        what: .state(from: said, to: said), since: since,
                                                        evidence: "confirmed by poll: \(verdict.reason)"))
                }
                state.machines[link.id] = machine
            }
            let s = await sample(link, verdict, state, at: at, wallNow: wallNow, optical: &out.optical)
            out.linkSamples.append(s)
            await judgeDegradation(link, s, machineState: state.machines[link.id]?.state, state, at: at, into: &out)
        }
        return out
    }

    /// A poll contradicts a pending trap. Inside the agent's cache window after the trap the
    /// reading is not evidence (a real switch's tables may lag its own trap by seconds): it is
    /// remembered and the port read again past the cache. Past the cache the agent's own table
    /// is the better word: the link takes the read state at once, from the first reading that
    /// showed it. So neither a stale table (down-up-down) nor a false trap holds for long.
    func judgeContradiction(_ link: Link, said: TargetState, _ verdict: LinkVerdict, _ machine: inout ConfirmingStateMachine,
                            _ state: RunState, at: EpochSeconds, started: Double, into out: inout ObservationBatch) {
        let trapAt = state.trapAt[link.id] ?? -.infinity
        if started < trapAt + Self.agentCacheSeconds {
            if state.contradicted[link.id]?.state != verdict.state { state.contradicted[link.id] = (verdict.state, at) }
            recheck(link, at: trapAt + Self.recheckAfter, state)
            return
        }
        let seen = state.contradicted[link.id].flatMap { $0.state == verdict.state ? $0.since : nil } ?? at
        settleTrap(link.id, state)
        if case .record(let from, let to, let since)? = machine.correct(verdict.state, since: seen) {
            let evidence = "the \(said == .down ? "linkDown" : "linkUp") trap is contradicted by the agent's table past its cache: \(verdict.reason)"
            out.observations.append(Observation(kind: .link, element: link.id, source: source, what: .state(from: from, to: to),
                                                since: since, evidence: evidence))
            logger.notice("link state changed", metadata: ["link": "\(link.id)", "to": "\(to.rawValue)", "why": "\(evidence)"])
            if to == .down { recheck(link, at: started + Self.recheckAfter, state) }
        }
    }

    func settleTrap(_ link: String, _ state: RunState) {
        state.trapPending[link] = nil
        state.contradicted[link] = nil
    }

    /// Reads the link's devices again at `when` (engine time), if that is before their next poll.
    func recheck(_ link: Link, at when: Double, _ state: RunState) {
        for e in link.ends { state.recheckAt[e.device] = min(state.recheckAt[e.device] ?? .infinity, when) }
    }

    /// Optical power at warning or alarm on an up link, or utilisation at or above its warning
    /// level for the sustain time, starts a degradation; back to normal ends it. A utilisation
    /// degradation names the OPDs behind the link and the top talkers that filled it (from the
    /// mirror-port capture, when there is one).
    func judgeDegradation(_ link: Link, _ s: LinkSample, machineState: TargetState?, _ state: RunState, at: EpochSeconds,
                          into batch: inout ObservationBatch) async {
        let id = link.id
        let settings = settings(for: link)
        if let u = s.utilisationPct {
            if u >= settings.utilisationWarnPct { state.hotSince[id] = state.hotSince[id] ?? at }
            else if u < settings.utilisationWarnPct - 10 { state.hotSince[id] = nil }
        }
        let opticalBad = s.opticalLevel.map { $0 != "ok" } ?? false
        let hot = state.hotSince[id].map { at - $0 >= EpochSeconds(settings.utilisationSustainSeconds) } ?? false
        let bad = machineState == .up && (opticalBad || hot)
        switch (state.degraded[id], bad) {
        case (nil, true):
            var reasons: [String] = []
            if opticalBad {
                reasons.append("optical \(s.opticalLevel!)" + (s.rxDbm.map { ", rx \(Self.dbm($0)) dBm" } ?? "")
                               + (s.detail.isEmpty ? "" : " (\(s.detail))"))
            }
            if hot, let u = s.utilisationPct {
                let since = state.hotSince[id]!
                var text = "utilisation \(Int(u.rounded()))% (at or above \(Int(settings.utilisationWarnPct))% since \(minuteText(since)))"
                if let who = await attribution(link, from: since, to: at) { text += "; " + who }
                reasons.append(text)
            }
            let reason = reasons.joined(separator: "; ")
            state.degraded[id] = (reason, at)
            batch.observations.append(Observation(kind: .link, element: id, source: source, what: .degradation(reason: reason),
                                                  since: opticalBad ? at : min(at, state.hotSince[id] ?? at), evidence: reason))
        case (.some, false) where machineState != nil:
            state.degraded[id] = nil
            batch.observations.append(Observation(kind: .link, element: id, source: source, what: .degradation(reason: nil),
                                                  since: at, evidence: machineState == .up ? "optical ok, utilisation below the warning level" : "link \(machineState!.rawValue)"))
        default:
            break
        }
    }

    /// Who filled the link over the whole minutes between `from` and `to`, from the capture's
    /// per-OPD counts and top talkers as published on the bus (nil when there are none for its OPDs).
    func attribution(_ link: Link, from: EpochSeconds, to: EpochSeconds) async -> String? {
        guard let traffic else { return nil }
        let start = from - ((from % 60) + 60) % 60, end = to - ((to % 60) + 60) % 60
        let span = TimeRange(start, max(end, start + 60))
        let sites = topology.downstream(of: link)
        traffic.absorb(now: to)
        return UtilisationAttribution.describe(sites: sites, inventory: inventory, traffic: traffic.opdTraffic(span, sites: sites),
                                               talkers: traffic.topTalkers(span), span: span,
                                               spanText: "\(minuteText(span.start))-\(minuteText(span.end))")
    }

    /// "10:05" in the inventory's time zone.
    func minuteText(_ t: EpochSeconds) -> String {
        String(ISO8601.clock(t, in: TimeZone(identifier: inventory.timezone) ?? .current).prefix(5))
    }

    static func dbm(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return "\(r)"
    }

    /// Rates from the first answering end (the a side: toward the core), optical from the same port.
    func sample(_ link: Link, _ verdict: LinkVerdict, _ state: RunState, at: EpochSeconds, wallNow: Double,
                optical: inout [OpticalSample]) async -> LinkSample {
        var s = LinkSample(target: link.id, at: at, detail: verdict.reason, portState: verdict.state)
        let settings = settings(for: link)
        var measured = false
        for end in link.ends {
            guard let r = state.readings[end.device], r.failure == nil, let i = r.interface(named: end.interface) else { continue }
            let when = state.readingAt[end.device] ?? wallNow
            let capacity = capacityBps(link, i)
            var prev = state.counters[end] ?? (nil, nil)
            var inNow = i.inOctets.map { CounterSample(value: $0, at: when, upTimeTicks: r.sysUpTimeTicks, discontinuityTicks: i.discontinuityTicks) }
            var outNow = i.outOctets.map { CounterSample(value: $0, at: when, upTimeTicks: r.sysUpTimeTicks, discontinuityTicks: i.discontinuityTicks) }
            inNow?.bits = i.counterBits
            outNow?.bits = i.counterBits
            if !measured && i.counterBits == 32 { s.detail += "; 32-bit counters (no ifXTable)" }
            if !measured {
                // Plausibility is judged against the port's line rate, not the contract (a 50 Mbit/s
                // contract on an unshaped 1 Gbit/s port may exceed it).
                let lineRate = i.highSpeedMbps > 0 ? Double(i.highSpeedMbps) * 1_000_000 : nil
                let rates = [prev.inOctets.flatMap { a in inNow.map { CounterRate.between(a, $0, capacityBps: lineRate) } },
                             prev.outOctets.flatMap { a in outNow.map { CounterRate.between(a, $0, capacityBps: lineRate) } }]
                s.inBps = rates[0]?.bps
                s.outBps = rates[1]?.bps
                if rates.contains(.implausible) {
                    s.detail += "; counter jump faster than the port discarded (treated as a discontinuity)"
                }
                if let cap = capacity, cap > 0, s.inBps != nil || s.outBps != nil {
                    s.utilisationPct = max(s.inBps ?? 0, s.outBps ?? 0) * 100 / cap
                }
            }
            prev = (inNow ?? prev.inOctets, outNow ?? prev.outOctets)
            state.counters[end] = prev
            if !measured, let o = r.optical(named: end.interface) {
                s.rxDbm = o.rxDbm
                s.txDbm = o.txDbm
                // Judge the light only while the port is up: a down port has none to judge.
                if i.isOperUp {
                    let key = "\(end.device)/\(end.interface)"
                    let base = await baseline(key, state, at: at, days: settings.optical.baselineDays)
                    let v = OpticalJudge.judge(rxDbm: o.rxDbm, lossOfSignal: o.lossOfSignal, deviceLowAlarm: o.rxLowAlarmDbm,
                                               deviceLowWarn: o.rxLowWarnDbm, baselineMedianDbm: base,
                                               thresholds: settings.optical)
                    s.opticalLevel = v.level.rawValue
                    if !v.reasons.isEmpty { s.detail += "; optical \(v.level.rawValue): " + v.reasons.joined(separator: ", ") }
                    if let rx = o.rxDbm { optical.append(OpticalSample(port: key, at: at, rxDbm: rx)) }
                }
            }
            if let u = s.utilisationPct, u >= settings.utilisationWarnPct, !measured {
                s.detail += "; utilisation \(Int(u.rounded()))% of \(Int((capacity ?? 0) / 1_000_000)) Mbit/s"
            }
            measured = true
        }
        return s
    }

    /// The lower of the port speed and the contracted bandwidth (link, else its `to` site).
    func capacityBps(_ link: Link, _ i: InterfaceReading) -> Double? {
        let contract = inventory.contractMbps(link.id)
        let speed = i.highSpeedMbps > 0 ? Double(i.highSpeedMbps) : nil
        switch (contract, speed) {
        case let (c?, s?): return min(c, s) * 1_000_000
        case let (c?, nil): return c * 1_000_000
        case let (nil, s?): return s * 1_000_000
        default: return nil
        }
    }

    /// The port's baseline median, refreshed from the store once an hour.
    func baseline(_ port: String, _ state: RunState, at: EpochSeconds, days: Int) async -> Double? {
        let now = Double(at)
        if let b = state.baselines[port], now - b.fetched < 3600 { return b.value }
        let v = try? await samples.opticalBaseline(port: port, since: at - EpochSeconds(days) * 86_400)
        state.baselines[port] = (v ?? nil, now)
        return v ?? nil
    }
}
