/// One reading of a 64-bit octet counter with what is needed to trust a difference.
public struct CounterSample: Sendable, Hashable {
    public var value: UInt64
    /// Engine wall time of the poll (seconds).
    public var at: Double
    /// sysUpTime (hundredths of a second) in the same response, when read.
    public var upTimeTicks: UInt64?
    /// ifCounterDiscontinuityTime, when the agent supports it.
    public var discontinuityTicks: UInt64?
    /// Counter width: 64 (ifHCInOctets) or 32 (ifInOctets), for the wrap.
    public var bits = 64

    public init(value: UInt64, at: Double, upTimeTicks: UInt64? = nil, discontinuityTicks: UInt64? = nil) {
        self.value = value
        self.at = at
        self.upTimeTicks = upTimeTicks
        self.discontinuityTicks = discontinuityTicks
    }
}

/// The rate between two counter samples, or why there is none. A counter that went down is
/// told apart: the agent restarted (sysUpTime went back), the counter was reset
/// (ifCounterDiscontinuityTime changed), or a true 64-bit wrap — no false spikes.
public enum CounterRate: Sendable, Hashable {
    case bitsPerSecond(Double)
    case agentRestarted
    case discontinuity
    /// A wrap would be implausible, or the counter jumped faster than the port can carry
    /// (an agent whose counters jump: seen 7.9 Tbit/s on a 1 Gbit/s port). Discarded and
    /// treated like a discontinuity.
    case implausible
    case tooSoon

    public var bps: Double? {
        if case .bitsPerSecond(let v) = self { return v }
        return nil
    }

    /// Fastest rate believed without a known port speed (above any single port in service).
    public static let ceilingBps = 1.6e12

    /// `capacityBps`, the port's line rate when known, bounds a plausible rate (with 10% slack),
    /// wrap or not; without it, `ceilingBps` does.
    public static func between(_ a: CounterSample, _ b: CounterSample, capacityBps: Double? = nil) -> CounterRate {
        if let ua = a.upTimeTicks, let ub = b.upTimeTicks, ub < ua { return .agentRestarted }
        if let da = a.discontinuityTicks, let db = b.discontinuityTicks, da != db { return .discontinuity }
        // Prefer the agent's own clock: it timestamps the counters, the network delay does not.
        var seconds = b.at - a.at
        if let ua = a.upTimeTicks, let ub = b.upTimeTicks, ub > ua { seconds = Double(ub - ua) / 100 }
        guard seconds >= 0.5 else { return .tooSoon }
        let delta: UInt64
        if b.value >= a.value {
            delta = b.value - a.value
        } else {
            let max: UInt64 = b.bits == 32 ? UInt64(UInt32.max) : UInt64.max
            guard a.value <= max else { return .discontinuity }  // the width changed between polls
            delta = (max - a.value) &+ b.value &+ 1
            let rate = Double(delta) * 8 / seconds
            if let cap = capacityBps, cap > 0 {
                if rate > cap * 1.1 { return .implausible }
            } else if delta > (b.bits == 32 ? UInt64(1) << 30 : UInt64(1) << 62) {
                return .implausible
            }
        }
        let rate = Double(delta) * 8 / seconds
        if let cap = capacityBps, cap > 0 {
            if rate > cap * 1.1 { return .implausible }
        } else if rate > ceilingBps {
            return .implausible
        }
        return .bitsPerSecond(rate)
    }
}
