import Foundation
import PantauCore
import PantauNetSNMP
import PantauProbes
import PantauTestSupport
import XCTest

/// Real recorded devices (snmpsim-data) served by snmpsim, polled by the real transport:
/// counters, port states and optical power decoded right, and our own variations of those
/// recordings for a port going down, an agent reboot, a counter discontinuity and a 64-bit wrap.
final class VendorRecordingTests: XCTestCase {
    static let ifHCIn = "1.3.6.1.2.1.31.1.1.1.6"
    static let upTime = "1.3.6.1.2.1.1.3.0"

    func serve(_ devices: [String: String]) throws -> SnmpsimAgent {
        try XCTSkipUnless(SnmpsimAgent.available, "SKIPPED: snmpsim venv missing at \(SnmpsimAgent.venv) (scripts/setup.sh builds it)")
        return try SnmpsimAgent(devices: devices)
    }

    func poll(_ agent: SnmpsimAgent, _ community: String, tables: Set<SNMPTable>, vendor: DeviceVendor = .generic) async -> DeviceReading {
        var s = SNMPSettings()
        s.tables = tables
        s.timeoutSeconds = 2
        let target = SNMPTarget(device: Device(id: community, site: "dc", address: "127.0.0.1", port: agent.port, vendor: vendor,
                                               snmpProfile: "p"), credentials: .v2c(community), settings: s)
        return await SNMPProber(transport: NetSNMPTransport()).probe([target])[0]
    }

    /// A port of the recording that has a 64-bit counter and is up.
    func upPort(_ rec: String) -> UInt32 {
        for line in rec.split(separator: "\n") where line.hasPrefix("1.3.6.1.2.1.2.2.1.8.") && line.hasSuffix("|2|1") {
            let idx = UInt32(line.split(separator: "|")[0].split(separator: ".").last!)!
            if rec.record("\(Self.ifHCIn).\(idx)") != nil { return idx }
        }
        return 1
    }

    func testCiscoC3560InterfacesAndCountersMatchTheRecording() async throws {
        let rec = try SnmpsimAgent.recording("network/switch/cisco-c3560")
        let agent = try serve(["c3560": rec])
        let r = await poll(agent, "c3560", tables: [.interfaces])
        XCTAssertNil(r.failure)
        let ifCount = rec.split(separator: "\n").filter { $0.hasPrefix("1.3.6.1.2.1.2.2.1.8.") }.count
        XCTAssertEqual(r.interfaces.count, ifCount)
        XCTAssertGreaterThan(ifCount, 20)
        for i in r.interfaces {
            if let (_, v) = rec.record("\(Self.ifHCIn).\(i.ifIndex)") { XCTAssertEqual(i.inOctets, UInt64(v), "ifHCInOctets.\(i.ifIndex)") }
            XCTAssertEqual(String(i.operStatus), rec.record("1.3.6.1.2.1.2.2.1.8.\(i.ifIndex)")?.value)
        }
        XCTAssertEqual(r.sysUpTimeTicks.map(String.init), rec.record(Self.upTime)?.value)
    }

    /// Two polls of the same switch 30 s apart (agent clock) across a wrap, a reboot, a discontinuity, a port cut.
    func testWrapRebootDiscontinuityAndPortDown() async throws {
        let rec = try SnmpsimAgent.recording("network/switch/cisco-c3560")
        let p = upPort(rec)
        let hc = "\(Self.ifHCIn).\(p)", disc = "\(SNMPObjects.ifCounterDiscontinuityTime).\(p)"
        let base = rec.settingRecord(Self.upTime, type: "67", value: "100000").settingRecord(disc, type: "67", value: "0")
        let t0 = base.settingRecord(hc, type: "70", value: String(UInt64.max - 999))
        let wrapped = base.settingRecord(Self.upTime, type: "67", value: "103000").settingRecord(hc, type: "70", value: "374000")
        let rebooted = base.settingRecord(Self.upTime, type: "67", value: "500").settingRecord(hc, type: "70", value: "1000")
        let reset = base.settingRecord(Self.upTime, type: "67", value: "103000").settingRecord(disc, type: "67", value: "101000")
            .settingRecord(hc, type: "70", value: "2000")
        let cut = wrapped.settingRecord("1.3.6.1.2.1.2.2.1.8.\(p)", type: "2", value: "2")
        let agent = try serve(["t0": t0, "wrapped": wrapped, "rebooted": rebooted, "reset": reset, "cut": cut])
        func sample(_ c: String) async throws -> (CounterSample, DeviceReading) {
            let r = await poll(agent, c, tables: [.interfaces])
            XCTAssertNil(r.failure, c)
            let i = try XCTUnwrap(r.interfaces.first { $0.ifIndex == p })
            return (CounterSample(value: i.inOctets!, at: 0, upTimeTicks: r.sysUpTimeTicks, discontinuityTicks: i.discontinuityTicks), r)
        }
        let (s0, _) = try await sample("t0")
        let (s1, _) = try await sample("wrapped")
        // 1000 octets to the wrap + 374000 after it, in 30 s of agent time: 100,000 bit/s exactly.
        XCTAssertEqual(CounterRate.between(s0, s1, capacityBps: 1e9), .bitsPerSecond(100_000))
        let sRebooted = try await sample("rebooted").0
        let sReset = try await sample("reset").0
        XCTAssertEqual(CounterRate.between(s0, sRebooted), .agentRestarted)
        XCTAssertEqual(CounterRate.between(s0, sReset), .discontinuity)
        // The same wrap on a 1 kbit/s port would be an impossible rate: refused, not a spike.
        XCTAssertEqual(CounterRate.between(s0, s1, capacityBps: 1000), .implausible)

        let (_, cutReading) = try await sample("cut")
        let name = cutReading.interfaces.first { $0.ifIndex == p }!.name
        let end = LinkEnd(device: "sw", interface: name)
        let port = cutReading.interface(named: name)!
        let verdict = LinkStateJudge.judge([(end, .port(adminUp: port.isAdminUp, operStatus: port.operStatus))])
        XCTAssertEqual(verdict.state, .down)
        XCTAssertEqual(verdict.reason, "sw/\(name) admin-up, oper-down")
    }

    func testHuaweiOpticalPowerMatchesTheDevicesOwnDbmStrings() async throws {
        let rec = try SnmpsimAgent.recording("network/switch/huawei-s12704")
        let agent = try serve(["s12704": rec])
        let r = await poll(agent, "s12704", tables: [.interfaces, .huaweiOptical], vendor: .huawei)
        XCTAssertNil(r.failure)
        XCTAssertGreaterThan(r.optical.count, 5)
        // hwEntityOpticalRxPowerStr-like column .32 holds the same power as text in 0.01 dBm.
        var checked = 0
        for line in rec.split(separator: "\n") where line.hasPrefix("1.3.6.1.4.1.2011.5.25.31.1.1.3.1.32.") {
            let parts = line.split(separator: "|")
            guard parts.count == 3, parts[1] == "4x" else { continue }
            let entity = String(parts[0].split(separator: ".").last!)
            let text = hexText(String(parts[2]))
            guard let centi = Double(text), let nameHex = rec.record("\(SNMPObjects.entPhysicalName).\(entity)")?.value,
                  let o = r.optical(named: hexText(nameHex)), let rx = o.rxDbm else { continue }
            // The table holds whole microwatts (quantisation up to 0.1 dB at 45 uW), and the two
            // columns were recorded moments apart while the light drifted a little: 0.06 dB + quantisation.
            let uw = pow(10, rx / 10) * 1000
            XCTAssertEqual(rx, centi / 100, accuracy: 10 * log10(1 + 1 / uw) + 0.06, "rx of \(o.interface)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3)
        let port = try XCTUnwrap(r.optical(named: "XGigabitEthernet2/0/0"))
        XCTAssertEqual(port.rxDbm!, -4.80, accuracy: 0.01)
        XCTAssertEqual(port.txDbm!, -2.38, accuracy: 0.01)
        XCTAssertEqual(port.rxLowAlarmDbm, -16.39)
    }

    func testJuniperDOM() async throws {
        let rec = try SnmpsimAgent.recording("network/router/juniper-mx960-16-1r6-7-a")
        let agent = try serve(["mx960": rec])
        let r = await poll(agent, "mx960", tables: [.interfaces, .juniperDOM], vendor: .juniper)
        XCTAssertNil(r.failure)
        let o = try XCTUnwrap(r.optical(named: "ge-0/0/1"))
        XCTAssertEqual(o.rxDbm, -8.65)
        XCTAssertEqual(o.txDbm, -7.12)
        XCTAssertEqual(o.rxLowAlarmDbm, -21.48)
        XCTAssertEqual(o.rxLowWarnDbm, -20.45)
        XCTAssertEqual(o.lossOfSignal, false)
    }

    /// The n5000 recording has the sensors but not their entity names; our variation names the
    /// sensor after a port and gives it thresholds, as IOS does.
    func testCiscoEntitySensorDbm() async throws {
        var rec = try SnmpsimAgent.recording("network/switch/cisco-n5000")
        let ifName = try XCTUnwrap(rec.split(separator: "\n").first { $0.hasPrefix("\(SNMPObjects.ifName).") }.map { String($0) })
        let parts = ifName.split(separator: "|")
        let name = parts[1] == "4x" ? hexText(String(parts[2])) : String(parts[2])
        let text = (name + " Receive Power Sensor").utf8.map { String(format: "%02x", $0) }.joined()
        rec = rec.settingRecord("\(SNMPObjects.entPhysicalName).25827", type: "4x", value: text)
            .settingRecord("1.3.6.1.4.1.9.9.91.1.2.1.1.2.25827.3", type: "2", value: "20")
            .settingRecord("1.3.6.1.4.1.9.9.91.1.2.1.1.2.25827.4", type: "2", value: "10")
        let agent = try serve(["n5000": rec])
        let r = await poll(agent, "n5000", tables: [.interfaces, .ciscoEntitySensor], vendor: .cisco)
        XCTAssertNil(r.failure)
        let o = try XCTUnwrap(r.optical(named: name), "\(r.optical)")
        XCTAssertEqual(o.rxDbm!, -1.931, accuracy: 1e-9)  // value -1931, scale milli(8), precision 0
        XCTAssertEqual(o.rxLowAlarmDbm!, -13.979, accuracy: 1e-9)
        XCTAssertEqual(o.rxLowWarnDbm!, -9.913, accuracy: 1e-9)
    }

    /// Our own MikroTik recording (CRS-style optical table) on top of a recorded switch.
    func testMikroTikOpticalTable() async throws {
        var rec = try SnmpsimAgent.recording("network/switch/cisco-c3560")
        let hex = { (s: String) in s.utf8.map { String(format: "%02x", $0) }.joined() }
        let t = "1.3.6.1.4.1.14988.1.1.19.1.1"
        rec = rec.settingRecord("\(t).2.1", type: "4x", value: hex("sfp-sfpplus1")).settingRecord("\(t).2.2", type: "4x", value: hex("sfp-sfpplus2"))
            .settingRecord("\(t).3.1", type: "2", value: "0").settingRecord("\(t).3.2", type: "2", value: "1")
            .settingRecord("\(t).9.1", type: "2", value: "-2410").settingRecord("\(t).9.2", type: "2", value: "-2390")
            .settingRecord("\(t).10.1", type: "2", value: "-12345").settingRecord("\(t).10.2", type: "2", value: "-40000")
        let agent = try serve(["crs": rec])
        let r = await poll(agent, "crs", tables: [.interfaces, .mikrotikOptical], vendor: .mikrotik)
        XCTAssertNil(r.failure)
        XCTAssertEqual(r.optical, [
            OpticalReading(interface: "sfp-sfpplus1", rxDbm: -12.345, txDbm: -2.41, lossOfSignal: false),
            OpticalReading(interface: "sfp-sfpplus2", rxDbm: -40, txDbm: -2.39, lossOfSignal: true),
        ])
    }

    /// Juniper numbers its LLDP local ports by ifIndex (lldpLocPortId "545", description = the
    /// port's alias): the local port must come out as the ifName, the remote as the neighbour names it.
    func testJuniperLLDPNeighboursResolveToIfName() async throws {
        let rec = try SnmpsimAgent.recording("network/router/juniper-mx960-16-1r6-7-b")
        let agent = try serve(["mx960": rec])
        let r = await poll(agent, "mx960", tables: [.interfaces, .lldp], vendor: .juniper)
        XCTAssertNil(r.failure)
        let remotes = rec.split(separator: "\n").filter { $0.hasPrefix("1.0.8802.1.1.2.1.4.1.1.9.") }.count
        XCTAssertEqual(r.neighbors.count, remotes)
        let n = try XCTUnwrap(r.neighbors.first { $0.localInterface == "ge-0/0/3" })
        XCTAssertEqual(n.remoteSystem, "YT-BGQ-JIAO2")
        XCTAssertEqual(n.remotePort, "GigabitEthernet1/0/26")
        let names = Set(r.interfaces.map(\.name))
        XCTAssertTrue(r.neighbors.allSatisfy { names.contains($0.localInterface) }, "\(r.neighbors.map(\.localInterface))")
    }

    func hexText(_ hex: String) -> String {
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex, let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
