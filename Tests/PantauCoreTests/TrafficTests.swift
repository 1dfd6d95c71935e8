import PantauCore
import XCTest

/// Counter rates, port judgement, optical judgement and trap-forced states: pure, no I/O.
final class TrafficTests: XCTestCase {
    func testRateUsesAgentClockAndWrapsExactly() {
        // 10 s apart by sysUpTime even though the poller saw 10.4 s (network delay).
        let a = CounterSample(value: 1_000, at: 100, upTimeTicks: 50_000)
        let b = CounterSample(value: 126_000, at: 110.4, upTimeTicks: 51_000)
        XCTAssertEqual(CounterRate.between(a, b), .bitsPerSecond(100_000))
        // Without sysUpTime, the poller's clock.
        XCTAssertEqual(CounterRate.between(CounterSample(value: 0, at: 0), CounterSample(value: 500, at: 4)), .bitsPerSecond(1_000))
        // A true 64-bit wrap: 1,000 steps up to 0 (max-999 -> max -> 0) plus 250 = 1,250 octets in 1 s.
        let w1 = CounterSample(value: UInt64.max - 999, at: 0, upTimeTicks: 100)
        let w2 = CounterSample(value: 250, at: 1, upTimeTicks: 200)
        XCTAssertEqual(CounterRate.between(w1, w2, capacityBps: 1e9), .bitsPerSecond(10_000))
    }

    func testCounterThatWentDownIsToldApart() {
        let a = CounterSample(value: 9_000_000, at: 0, upTimeTicks: 900_000, discontinuityTicks: 0)
        // sysUpTime went back: the agent rebooted.
        XCTAssertEqual(CounterRate.between(a, CounterSample(value: 10, at: 60, upTimeTicks: 3_000, discontinuityTicks: 0)), .agentRestarted)
        // ifCounterDiscontinuityTime moved: counters were reset without a reboot.
        XCTAssertEqual(CounterRate.between(a, CounterSample(value: 10, at: 60, upTimeTicks: 906_000, discontinuityTicks: 905_000)),
                       .discontinuity)
        // Down with neither: a "wrap" of ~2^64 octets in 60 s would be far beyond a 1 Gbit/s port.
        XCTAssertEqual(CounterRate.between(a, CounterSample(value: 10, at: 60, upTimeTicks: 906_000, discontinuityTicks: 0), capacityBps: 1e9),
                       .implausible)
        XCTAssertEqual(CounterRate.between(a, CounterSample(value: 10, at: 60, upTimeTicks: 906_000)), .implausible)
        XCTAssertEqual(CounterRate.between(a, CounterSample(value: 9_000_100, at: 0.2)), .tooSoon)
    }

    /// Issue 14: an agent whose counters jump forward produced 7.9 Tbit/s on a 1 Gbit/s port.
    /// A rate above the port's line rate (10% slack) is discarded like a discontinuity.
    func testForwardJumpFasterThanThePortIsDiscarded() {
        let a = CounterSample(value: 1_000, at: 0, upTimeTicks: 100)
        let jump = CounterSample(value: 1_000 + 59_250_000_000_000, at: 60, upTimeTicks: 6_100)  // 7.9 Tbit/s
        XCTAssertEqual(CounterRate.between(a, jump, capacityBps: 1e9), .implausible)
        XCTAssertEqual(CounterRate.between(a, jump), .implausible, "above any port even when the speed is unknown")
        // At line rate (and within the slack) it is a rate.
        let full = CounterSample(value: 1_000 + 7_500_000_000, at: 60, upTimeTicks: 6_100)  // 1 Gbit/s
        XCTAssertEqual(CounterRate.between(a, full, capacityBps: 1e9), .bitsPerSecond(1e9))
        let over = CounterSample(value: 1_000 + 8_400_000_000, at: 60, upTimeTicks: 6_100)  // 1.12 Gbit/s
        XCTAssertEqual(CounterRate.between(a, over, capacityBps: 1e9), .implausible)
    }

    /// Property: for any start value and any increment below the wrap bound, the rate equals
    /// increment x 8 / seconds, computed independently with wrapping arithmetic.
    func testRatePropertyAgainstWrappingReference() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let start = UInt64.random(in: 0...UInt64.max, using: &rng)
            let increment = UInt64.random(in: 0...(1 << 40), using: &rng)
            let ticks = UInt64.random(in: 50...100_000, using: &rng)
            let a = CounterSample(value: start, at: 0, upTimeTicks: 1_000)
            let b = CounterSample(value: start &+ increment, at: 0, upTimeTicks: 1_000 + ticks)
            let expected = Double(increment) * 8 / (Double(ticks) / 100)
            XCTAssertEqual(CounterRate.between(a, b, capacityBps: 1e15).bps!, expected, accuracy: expected * 1e-12,
                           "start \(start) +\(increment) in \(ticks) ticks")
        }
    }

    func testLinkJudgeFromPorts() {
        let a = LinkEnd(device: "core", interface: "sfp1"), b = LinkEnd(device: "opd", interface: "ether1")
        XCTAssertEqual(LinkStateJudge.judge([(a, .port(adminUp: true, operStatus: 1)), (b, .port(adminUp: true, operStatus: 1))]),
                       LinkVerdict(.up, "core/sfp1 up, opd/ether1 up"))
        XCTAssertEqual(LinkStateJudge.judge([(a, .port(adminUp: true, operStatus: 2)), (b, .deviceUnreachable)]),
                       LinkVerdict(.down, "core/sfp1 admin-up, oper-down"))
        // The far end down is enough even when the near end still shows up (one-sided fault).
        XCTAssertEqual(LinkStateJudge.judge([(a, .port(adminUp: true, operStatus: 1)), (b, .port(adminUp: true, operStatus: 7))]).state, .down)
        XCTAssertEqual(LinkStateJudge.judge([(a, .port(adminUp: false, operStatus: 2))]), LinkVerdict(.down, "core/sfp1 admin-down (shut)"))
        XCTAssertEqual(LinkStateJudge.judge([(a, .port(adminUp: true, operStatus: 5))]).state, .up, "dormant is not a failure")
        // The near device unreachable but the far one reads up: up (the far end speaks for the fibre).
        XCTAssertEqual(LinkStateJudge.judge([(a, .deviceUnreachable), (b, .port(adminUp: true, operStatus: 1))]).state, .up)
        // A garbled agent is not "not answering" (issue 31): the reason says what it does.
        XCTAssertTrue(LinkStateJudge.judge([(a, .deviceFailed("its replies cannot be read (garbled)"))]).reason.contains("device answers but its replies cannot be read"))
        XCTAssertEqual(LinkStateJudge.judge([(a, .deviceUnreachable), (b, .noSuchInterface)]),
                       LinkVerdict(.unknown, "core/sfp1: device not answering, opd/ether1: no such interface"))
    }

    func testOpticalJudgeThresholdsAndBaselineDrop() {
        let t = OpticalThresholds()
        XCTAssertEqual(OpticalJudge.judge(rxDbm: -10, lossOfSignal: false, deviceLowAlarm: nil, deviceLowWarn: nil,
                                          baselineMedianDbm: -9, thresholds: t).level, .ok)
        XCTAssertEqual(OpticalJudge.judge(rxDbm: -23, lossOfSignal: nil, deviceLowAlarm: nil, deviceLowWarn: nil,
                                          baselineMedianDbm: nil, thresholds: t).level, .warning)
        XCTAssertEqual(OpticalJudge.judge(rxDbm: -27.5, lossOfSignal: nil, deviceLowAlarm: nil, deviceLowWarn: nil,
                                          baselineMedianDbm: nil, thresholds: t).level, .alarm)
        // The device's own thresholds win over the defaults.
        let own = OpticalJudge.judge(rxDbm: -20, lossOfSignal: nil, deviceLowAlarm: -19, deviceLowWarn: -17,
                                     baselineMedianDbm: nil, thresholds: t)
        XCTAssertEqual(own.level, .alarm)
        XCTAssertEqual(own.reasons, ["-20.00 dBm below the device alarm level -19.00 dBm"])
        // Exactly 3 dB under the 7-day median is a degradation; 2.99 dB is not.
        let drop = OpticalJudge.judge(rxDbm: -12, lossOfSignal: nil, deviceLowAlarm: nil, deviceLowWarn: nil,
                                      baselineMedianDbm: -9, thresholds: t)
        XCTAssertEqual(drop.level, .warning)
        XCTAssertEqual(drop.reasons, ["3.00 dB below the 7-day median -9.00 dBm"])
        XCTAssertEqual(OpticalJudge.judge(rxDbm: -11.99, lossOfSignal: nil, deviceLowAlarm: nil, deviceLowWarn: nil,
                                          baselineMedianDbm: -9, thresholds: t).level, .ok)
        XCTAssertEqual(OpticalJudge.judge(rxDbm: nil, lossOfSignal: true, deviceLowAlarm: nil, deviceLowWarn: nil,
                                          baselineMedianDbm: nil, thresholds: t), OpticalVerdict(level: .alarm, reasons: ["loss of signal"]))
    }

    func testTrapForcesAtOnceAndPollsConfirmOrCorrect() {
        var m = ConfirmingStateMachine(policy: ConfirmPolicy(roundsToConfirmDown: 1, roundsToConfirmUp: 2), state: .up, since: 0)
        XCTAssertEqual(m.force(.down, at: 100), .record(from: .up, to: .down, since: 100))
        XCTAssertTrue(m.provisional)
        // An unreadable device does not undo a trap.
        XCTAssertNil(m.observe(.unknown, at: 101))
        XCTAssertEqual(m.state, .down)
        // A poll still showing the port up (agent tables lag the trap) needs the usual 2 to flip back.
        XCTAssertNil(m.observe(.up, at: 102))
        XCTAssertEqual(m.state, .down)
        XCTAssertEqual(m.observe(.up, at: 162), .record(from: .down, to: .up, since: 102))
        // A trap that repeats the current state records nothing.
        XCTAssertNil(m.force(.up, at: 200))
        // After a trap down confirmed by a poll, it stays down.
        XCTAssertEqual(m.force(.down, at: 300), .record(from: .up, to: .down, since: 300))
        XCTAssertNil(m.observe(.down, at: 310))
        XCTAssertFalse(m.provisional)
        XCTAssertEqual(m.since, 300)
        // A false trap corrected by a trusted reading: at once, from when it was first seen,
        // never at or before the trap's own second (no empty or negative down spell).
        XCTAssertEqual(m.force(.up, at: 400), .record(from: .down, to: .up, since: 400))
        XCTAssertEqual(m.correct(.down, since: 400), .record(from: .up, to: .down, since: 401))
        XCTAssertFalse(m.provisional)
        XCTAssertNil(m.correct(.down, since: 420))
        XCTAssertEqual(m.since, 401)
        XCTAssertNil(m.observe(.up, at: 430), "not provisional after a correction: the usual 2 rounds")
        XCTAssertEqual(m.state, .down)
    }

    /// A 32-bit counter wraps at 2^32, not 2^64.
    func testThirtyTwoBitCounterWraps() {
        var a = CounterSample(value: UInt64(UInt32.max) - 999, at: 0, upTimeTicks: 0)
        var b = CounterSample(value: 1000, at: 10, upTimeTicks: 1000)
        a.bits = 32
        b.bits = 32
        XCTAssertEqual(CounterRate.between(a, b, capacityBps: 1e9).bps, 2000 * 8 / 10)
    }
}

/// Bandwidth tests judged against the contract: short below the threshold, below contract after N in a row.
final class BandwidthJudgeTests: XCTestCase {
    func r(_ mbps: Double?) -> BandwidthResult {
        BandwidthResult(target: "l", at: 0, direction: .upload, proto: .tcp, server: "s", durationSeconds: 10,
                        receiverBps: mbps.map { $0 * 1_000_000 }, error: mbps == nil ? "refused" : nil)
    }

    func testVerdicts() {
        let j = BandwidthJudge(config: BandwidthConfig())   // 80%, 2 in a row
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(85)]), .ok)
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(80)]), .ok, "at the threshold is not short")
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(79.9)]), .short(count: 1))
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(20), r(30)]), .belowContract)
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(20), r(95), r(30)]), .short(count: 1), "only consecutive tests count")
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(nil), r(20)]), .noFigure)
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: [r(20), r(nil), r(20)]), .short(count: 1), "a failed test breaks the run")
        XCTAssertEqual(j.verdict(contractMbps: nil, recent: [r(1)]), .ok, "no contract, nothing to judge")
        XCTAssertEqual(j.verdict(contractMbps: 100, recent: []), .ok)
    }
}

/// Per-OPD traffic accounting for the mirror port: subnets, longest prefix, direction, buckets, talkers.
final class OPDTrafficCounterTests: XCTestCase {
    func a(_ s: String) -> UInt32 { IPv4Subnet.address(IPv4Literal.parse(s)!) }

    func testSubnetsParseAndTheLongestPrefixWins() {
        XCTAssertEqual(IPv4Subnet("10.10.1.0/24")?.description, "10.10.1.0/24")
        XCTAssertEqual(IPv4Subnet("0.0.0.0/0")?.prefix, 0)
        for bad in ["10.10.1.5/24", "10.10.1.0/33", "10.10.1.0", "10.10.1.0/", "10.10.1.0/2x", "10.10.1/24"] { XCTAssertNil(IPv4Subnet(bad), bad) }
        let map = SubnetMap(sites: [
            Site(id: "pop", name: "POP", role: .distribution, subnets: [IPv4Subnet("10.10.0.0/16")!]),
            Site(id: "bkd", name: "BKD", subnets: [IPv4Subnet("10.10.20.0/24")!, IPv4Subnet("10.10.21.0/25")!]),
        ])
        XCTAssertEqual(map.site(of: a("10.10.20.7")), "bkd")
        XCTAssertEqual(map.site(of: a("10.10.21.127")), "bkd")
        XCTAssertEqual(map.site(of: a("10.10.21.128")), "pop", "outside the /25: the POP's /16")
        XCTAssertNil(map.site(of: a("192.0.2.1")))
    }

    func testDirectionsBucketsAndTalkers() {
        let map = SubnetMap(sites: [Site(id: "bkd", name: "BKD", subnets: [IPv4Subnet("10.10.20.0/24")!]),
                                    Site(id: "dinkes", name: "Dinkes", subnets: [IPv4Subnet("10.10.30.0/24")!])])
        var c = OPDTrafficCounter(map: map, bucketSeconds: 60)
        let dc = a("10.1.0.5"), bkd = a("10.10.20.7"), dinkes = a("10.10.30.9")
        c.count(source: dc, destination: bkd, length: 1500, proto: 6, port: 443, at: 1_000_000)          // to bkd
        c.count(source: bkd, destination: dc, length: 60, proto: 6, port: 443, at: 1_000_010)            // from bkd
        c.count(source: bkd, destination: dinkes, length: 100, proto: 17, port: 53, at: 1_000_015)      // OPD to OPD: out of one, into the other
        c.count(source: dc, destination: bkd, length: 1000, proto: 6, port: 443, at: 1_000_080)         // a later minute (bucket 1000080)
        c.count(source: dc, destination: a("192.0.2.1"), length: 40, proto: 1, port: 0, at: 1_000_080)  // nobody's
        XCTAssertEqual(c.unattributed, 1)
        let first = c.drain(upTo: 1_000_080)
        XCTAssertEqual(first.map(\.site), ["bkd", "dinkes"])
        XCTAssertEqual(first[0].bucket, 999_960)
        XCTAssertEqual([first[0].inBytes, first[0].outBytes, first[0].inPackets, first[0].outPackets], [1500, 160, 1, 2])
        XCTAssertEqual([first[1].inBytes, first[1].outBytes], [100, 0])
        XCTAssertEqual(c.drain(upTo: 1_000_080), [], "drained buckets are forgotten")
        let second = c.drain(upTo: 1_000_080 + 60)
        XCTAssertEqual(second.map { "\($0.site) \($0.bucket) \($0.inBytes)" }, ["bkd 1000080 1000"])
        let top = c.takeTopTalkers(2)
        XCTAssertEqual(top.map(\.bytes), [2500, 100])
        XCTAssertEqual(top.first?.talker, Talker(source: dc, destination: bkd, proto: 6, port: 443))
        XCTAssertTrue(c.takeTopTalkers(5).isEmpty, "a new window")
    }
}

/// The capture's header decoder: only addresses, protocol, port and IP length are read.
final class PacketDecoderTests: XCTestCase {
    func ipv4(_ src: [UInt8], _ dst: [UInt8], length: Int, proto: UInt8 = 17, ports: (UInt16, UInt16)? = (40000, 443),
              fragmentOffset: UInt16 = 0) -> [UInt8] {
        var h: [UInt8] = [0x45, 0, UInt8(length >> 8), UInt8(length & 0xff), 0, 1, UInt8(fragmentOffset >> 8), UInt8(fragmentOffset & 0xff),
                          64, proto, 0, 0] + src + dst
        if let (a, b) = ports { h += [UInt8(a >> 8), UInt8(a & 0xff), UInt8(b >> 8), UInt8(b & 0xff)] }
        return h
    }

    func decode(_ bytes: [UInt8], _ l: LinkLayer) -> PacketHeader? {
        bytes.withUnsafeBytes { PacketDecoder.decode($0, linkLayer: l) }
    }

    func testEthernetVLANCookedRawAndIPv6() {
        let ip = ipv4([10, 100, 0, 5], [10, 101, 0, 9], length: 1500)
        let eth = [UInt8](repeating: 2, count: 12) + [0x08, 0x00] + ip
        let h = decode(eth, .ethernet)
        XCTAssertEqual(h, PacketHeader(source: 0x0A64_0005, destination: 0x0A65_0009, length: 1500, proto: 17, port: 443))
        // Two tags (802.1ad + 802.1Q), as a mirror port keeps them.
        let qinq = [UInt8](repeating: 2, count: 12) + [0x88, 0xA8, 0, 10, 0x81, 0x00, 0, 20, 0x08, 0x00] + ip
        XCTAssertEqual(decode(qinq, .ethernet), h)
        XCTAssertEqual(decode([UInt8](repeating: 0, count: 14) + [0x08, 0x00] + ip, .linuxCooked), h)
        XCTAssertEqual(decode([0x08, 0x00] + [UInt8](repeating: 0, count: 18) + ip, .linuxCooked2), h)
        XCTAssertEqual(decode(ip, .raw), h)
        // ARP is not IP; a frame cut before the addresses is not read.
        XCTAssertNil(decode([UInt8](repeating: 2, count: 12) + [0x08, 0x06] + [UInt8](repeating: 0, count: 28), .ethernet))
        XCTAssertNil(decode(Array(eth.prefix(14 + 16)), .ethernet))
        // Ports past the snap length: the packet counts, without a port.
        XCTAssertEqual(decode(Array(eth.prefix(14 + 20)), .ethernet)?.port, 0)
        XCTAssertEqual(decode(Array(eth.prefix(14 + 20)), .ethernet)?.length, 1500, "the IP length, not the captured length")
        // A later fragment carries no ports (its first bytes are payload).
        XCTAssertEqual(decode(ipv4([10, 0, 0, 1], [10, 0, 0, 2], length: 600, ports: (1, 2), fragmentOffset: 185), .raw)?.port, 0)
        // IPv6: counted as such (OPD subnets are IPv4).
        var v6: [UInt8] = [0x60, 0, 0, 0, 0x01, 0x00, 6, 64] + [UInt8](repeating: 0x20, count: 32)
        v6 += [0x01, 0xBB, 0xC3, 0x50]
        let h6 = decode([UInt8](repeating: 2, count: 12) + [0x86, 0xDD] + v6, .ethernet)
        XCTAssertEqual(h6?.isIPv6, true)
        XCTAssertEqual(h6?.length, 256 + 40)
        XCTAssertEqual(h6?.port, 443)
        XCTAssertEqual(LinkLayer(dlt: 1), .ethernet)
        XCTAssertNil(LinkLayer(dlt: 127), "radiotap is not read")
    }

    /// A flood of new conversations (a scan) cannot grow memory without bound: past the cap
    /// their bytes are "other"; per-OPD counts stay exact.
    func testConversationTableIsBounded() {
        let map = SubnetMap(sites: [Site(id: "a", name: "A", subnets: [IPv4Subnet("10.1.0.0/16")!])])
        var c = OPDTrafficCounter(map: map)
        let n = OPDTrafficCounter.maxConversations + 100
        for i in 0..<n { c.count(source: 0x0A01_0001, destination: 0x0B00_0000 | UInt32(i), length: 100, proto: 6, port: 80, at: 0) }
        c.count(source: 0x0A01_0001, destination: 0x0B00_0000, length: 5000, proto: 6, port: 80, at: 0)  // a tracked one keeps counting
        XCTAssertEqual(c.otherConversationBytes, 100 * 100)
        XCTAssertEqual(c.drain(upTo: .max).first?.outBytes, Int64(n) * 100 + 5000)
        let top = c.takeTopTalkers(1)
        XCTAssertEqual(top.first?.bytes, 5100)
        XCTAssertEqual(c.otherConversationBytes, 0, "a new window")
    }

    /// Top talkers over a span: each conversation once, its minutes summed, from the first minute
    /// it was seen; `within` keeps those with an end in the given subnets.
    func testTalkersRankedOverASpan() {
        let t = { (b: EpochSeconds, s: String, d: String, bytes: Int64) in TalkerSample(bucket: b, source: s, destination: d, proto: 6, port: 443, bytes: bytes) }
        let samples = [t(120, "10.1.0.5", "10.9.0.1", 100), t(60, "10.1.0.5", "10.9.0.1", 300), t(60, "10.2.0.7", "10.9.0.1", 350),
                       t(60, "10.9.0.1", "10.1.0.5", 10)]
        let all = TalkerSample.ranked(samples)
        XCTAssertEqual(all.map(\.bytes), [400, 350, 10])
        XCTAssertEqual(all.first?.bucket, 60)
        let a = TalkerSample.ranked(samples, within: SubnetMap(sites: [Site(id: "a", name: "A", subnets: [IPv4Subnet("10.1.0.0/16")!])]))
        XCTAssertEqual(a.map(\.source), ["10.1.0.5", "10.9.0.1"], "both directions of site a, not site b's")
    }

    /// Counting through `merge` (the capture thread's batches) equals counting directly.
    func testMergedBatchesEqualDirectCounting() {
        let map = SubnetMap(sites: [Site(id: "a", name: "A", subnets: [IPv4Subnet("10.1.0.0/16")!]),
                                    Site(id: "b", name: "B", subnets: [IPv4Subnet("10.2.0.0/16")!])])
        var direct = OPDTrafficCounter(map: map), merged = OPDTrafficCounter(map: map)
        var rng = SystemRandomNumberGenerator()
        for batch in 0..<20 {
            var local = OPDTrafficCounter(map: map)
            for _ in 0..<200 {
                let h = PacketHeader(source: 0x0A01_0000 | UInt32.random(in: 0...3, using: &rng), destination: [0x0A02_0001, 0x0B00_0001].randomElement()!,
                                     length: Int.random(in: 40...1500), proto: 6, port: 443, isIPv6: Bool.random() && batch % 3 == 0)
                let at = EpochSeconds(1_000_000 + batch * 7)
                direct.count(h, at: at)
                local.count(h, at: at)
            }
            merged.merge(&local)
            XCTAssertEqual(local.drain(upTo: .max), [], "the batch is handed over whole")
        }
        XCTAssertEqual(merged.unattributed, direct.unattributed)
        XCTAssertEqual(merged.drain(upTo: .max), direct.drain(upTo: .max))
        XCTAssertEqual(merged.takeTopTalkers(10).map(\.bytes), direct.takeTopTalkers(10).map(\.bytes))
    }
}
