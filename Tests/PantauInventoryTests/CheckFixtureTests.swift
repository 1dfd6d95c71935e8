import Foundation
import XCTest
import PantauCore
import PantauInventory

/// Each fixture is a small inventory with one kind of mistake; `pantau check` must name
/// the file, the line and the key path of every problem.
final class CheckFixtureTests: XCTestCase {
    static let good = """
        organization: Diskominfo Uji
        timezone: Asia/Makassar
        calendar:
          workweek: [mon, tue, wed, thu, fri]
          hours: "08:00-16:00"
          holidays: [libur.csv]
        sla: {availability_target_pct: 90, repair_working_days: 3}
        sites:
          - {id: dc, name: Pusat Data, role: core, address: 10.0.0.1}
          - {id: bkd, name: BKD, address: 10.0.0.2, uplinks: [fo-dc-bkd]}
        links:
          - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}
        maintenance:
          - {target: bkd, from: "2026-03-10T09:00:00+08:00", to: "2026-03-10T11:00:00+08:00", reason: uji}

        """

    /// Writes a fixture folder and returns the diagnostics (empty if it loads).
    func check(_ yaml: String, holidays: String = "date,name\n2026-01-01,Tahun Baru Masehi\n", probes: String? = nil,
               extraProbes: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-check-\(UUID().uuidString)")
        let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
        try! FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try! yaml.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        try! holidays.write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
        if let probes { try! probes.write(to: pr.appendingPathComponent("icmp.yaml"), atomically: true, encoding: .utf8) }
        for (name, text) in extraProbes { try! text.write(to: pr.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        do {
            _ = try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path)
            return []
        } catch let e as ConfigurationErrors {
            // Strip the temporary folder so the expectations read like `pantau check` output.
            return e.diagnostics.map { $0.description.replacingOccurrences(of: inv.path + "/", with: "").replacingOccurrences(of: pr.path + "/", with: "probes/") }
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return []
        }
    }

    func replacing(_ a: String, _ b: String) -> String { Self.good.replacingOccurrences(of: a, with: b) }

    /// A pinned place on the NOC map: both coordinates, each 0-1000, named by line when wrong.
    func testMapPositions() {
        XCTAssertEqual(check(replacing("uplinks: [fo-dc-bkd]}", "uplinks: [fo-dc-bkd], map: {x: 120, y: 340}}")), [])
        XCTAssertEqual(check(replacing("uplinks: [fo-dc-bkd]}", "uplinks: [fo-dc-bkd], map: {x: 1200, y: 340}}")),
                       ["network.yaml:10: sites[1].map.x: 1200 is out of range 0.0...1000.0"])
        XCTAssertEqual(check(replacing("uplinks: [fo-dc-bkd]}", "uplinks: [fo-dc-bkd], map: {x: 10}}")),
                       ["network.yaml:10: sites[1].map.y: required key is missing (map: {x: 0-1000, y: 0-1000})"])
    }

    func testGoodFixtureLoads() {
        XCTAssertEqual(check(Self.good), [])
    }

    /// A month monitored or reported without a holiday file counts holidays as working days: warn.
    func testMissingHolidayYearIsWarned() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-hol-\(UUID().uuidString)")
        let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
        try FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.good.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        try "date,name\n2026-01-01,Tahun Baru Masehi\n".write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
        let inMarch = try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path,
                                               now: Date(timeIntervalSince1970: TimeInterval(ISO8601.parse("2026-03-10T10:00:00+08:00")!)))
        XCTAssertEqual(inMarch.warnings, [])
        let inDecember = try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path,
                                                  now: Date(timeIntervalSince1970: TimeInterval(ISO8601.parse("2026-12-10T10:00:00+08:00")!)))
        XCTAssertEqual(inDecember.warnings.count, 1, "next month starts 2027, which has no holidays: \(inDecember.warnings)")
        XCTAssertTrue(inDecember.warnings[0].contains("no holidays for 2027"), inDecember.warnings[0])
        XCTAssertNotNil(inDecember.inventory.calendar.holidayWarning(for: YearMonth("2025-06")!))
    }

    func testSampleInventoryPasses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let loaded = try InventoryLoader.load(inventoryDirectory: root.appendingPathComponent("inventory").path,
                                              probesDirectory: root.appendingPathComponent("probes").path)
        XCTAssertGreaterThanOrEqual(loaded.inventory.sites.filter { $0.role == .opd }.count, 20)
        XCTAssertTrue(loaded.inventory.links.contains { $0.kind == .foUndersea })
        XCTAssertTrue(loaded.inventory.sites.contains { $0.uplinks.count > 1 })
        XCTAssertEqual(loaded.probes.icmp(for: loaded.inventory.site("dc")!).intervalSeconds, 10)
    }

    func testUnknownKeys() {
        XCTAssertEqual(check(replacing("role: core,", "role: core, colour: red,")),
                       ["network.yaml:9: sites[0].colour: unknown key (allowed: address, bandwidth_mbps, contacts, criticality, id, location, map, name, notes, role, subnets, uplinks, users)"])
        XCTAssertEqual(check(replacing("sla:", "slaa:")).first,
                       "network.yaml:7: slaa: unknown key (allowed: calendar, devices, links, maintenance, organization, sites, sla, timezone)")
    }

    func testDuplicateIds() {
        let yaml = replacing("  - {id: bkd, name: BKD,", "  - {id: dc, name: Dup, address: 10.0.0.9}\n  - {id: bkd, name: BKD,")
        XCTAssertEqual(check(yaml), ["network.yaml:10: sites[1].id: duplicate id 'dc' (first defined at line 9)"])
        XCTAssertTrue(check(replacing("{id: fo-dc-bkd, kind", "{id: bkd, kind")).contains(
            "network.yaml:12: links[0].id: duplicate id 'bkd' (first defined at line 10)"))
    }

    func testDanglingReferences() {
        let d = check(replacing("to: bkd}", "to: bkdd}"))
        XCTAssertTrue(d.contains("network.yaml:12: links[0].to: no site with id 'bkdd'"), "\(d)")
        // Issue 13: the root mistake only, not a cascade of "unreachable from the core" after it.
        XCTAssertFalse(d.contains { $0.contains("unreachable from the core") }, "\(d)")
        XCTAssertTrue(check(replacing("uplinks: [fo-dc-bkd]", "uplinks: [fo-dc-bdk]")).contains(
                       "network.yaml:10: sites[1].uplinks[0]: no link with id 'fo-dc-bdk'"))
        XCTAssertEqual(check(replacing("target: bkd,", "target: bpkad,")),
                       ["network.yaml:14: maintenance[0].target: no site or link with id 'bpkad'"])
    }

    /// Issue 13: FO rings were refused as an "uplink cycle". A cycle is fine; what is refused is
    /// a group of sites that no path connects to the core (here bkd and x only reach each other).
    func testCycleCutOffFromTheCoreIsUnreachableButARingIsNot() {
        let island = replacing("""
              - {id: bkd, name: BKD, address: 10.0.0.2, uplinks: [fo-dc-bkd]}
            """, """
              - {id: bkd, name: BKD, address: 10.0.0.2, uplinks: [l-x-bkd]}
              - {id: x, name: X, address: 10.0.0.3, uplinks: [l-bkd-x]}
            """).replacingOccurrences(of: "  - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}", with: """
              - {id: l-x-bkd, kind: copper, from: x, to: bkd}
              - {id: l-bkd-x, kind: copper, from: bkd, to: x}
            """)
        let d = check(island)
        XCTAssertEqual(d.count, 2, "\(d)")
        XCTAssertTrue(d.allSatisfy { $0.contains("is unreachable from the core: no path of uplinks leads to a core site") }, "\(d)")
        // The same two sites in a ring with the core: core - bkd - x - core.
        let ring = replacing("""
              - {id: bkd, name: BKD, address: 10.0.0.2, uplinks: [fo-dc-bkd]}
            """, """
              - {id: bkd, name: BKD, address: 10.0.0.2, uplinks: [fo-dc-bkd, fo-bkd-x]}
              - {id: x, name: X, address: 10.0.0.3, uplinks: [fo-bkd-x, fo-x-dc]}
            """).replacingOccurrences(of: "  - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}", with: """
              - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}
              - {id: fo-bkd-x, kind: fo-aerial, from: bkd, to: x}
              - {id: fo-x-dc, kind: fo-aerial, from: dc, to: x}
            """)
        XCTAssertEqual(check(ring), [], "a ring through the core is a valid topology")
    }

    func testUnreachableFromCore() {
        let yaml = replacing("  - {id: bkd, name: BKD,", "  - {id: lone, name: Sendiri, address: 10.0.0.7}\n  - {id: bkd, name: BKD,")
        XCTAssertEqual(check(yaml), ["network.yaml:10: sites[1].uplinks: site 'lone' is unreachable from the core: it has no uplinks"])
    }

    /// Sites by host name and by IPv6 as well as IPv4; the same address written twice ways is still a duplicate.
    func testSiteAddressesByNameAndIPv6() {
        XCTAssertEqual(check(replacing("address: 10.0.0.2", "address: bkd.intra.example.go.id")), [])
        XCTAssertEqual(check(replacing("address: 10.0.0.2", "address: \"2001:db8::20\"")), [])
        XCTAssertEqual(check(replacing("address: 10.0.0.2", "address: 10.0.0.300")),
                       ["network.yaml:10: sites[1].address: '10.0.0.300' is not an IPv4 address (a.b.c.d), an IPv6 address (2001:db8::1) or a host name"])
        XCTAssertEqual(check(replacing("address: 10.0.0.1", "address: \"2001:DB8:0::20\"").replacingOccurrences(of: "address: 10.0.0.2", with: "address: \"2001:db8::20\"")),
                       ["network.yaml:10: sites[1].address: address 2001:db8::20 is also the address of site 'dc'"])
    }

    /// The LAN subnets of each OPD, for counting mirrored traffic per OPD.
    func testSiteSubnets() {
        XCTAssertEqual(check(replacing("address: 10.0.0.2,", "address: 10.0.0.2, subnets: [10.10.20.0/24, 10.10.21.0/25],")), [])
        XCTAssertEqual(check(replacing("address: 10.0.0.2,", "address: 10.0.0.2, subnets: [10.10.20.5/24],")),
                       ["network.yaml:10: sites[1].subnets[0]: '10.10.20.5/24' is not an IPv4 subnet a.b.c.d/n with the host bits zero (e.g. 10.10.1.0/24)"])
        XCTAssertEqual(check(replacing("address: 10.0.0.2,", "address: 10.0.0.2, subnets: [10.10.20.0/24],")
                                .replacingOccurrences(of: "address: 10.0.0.1}", with: "address: 10.0.0.1, subnets: [10.10.20.0/24]}")),
                       ["network.yaml:10: sites[1].subnets: subnet 10.10.20.0/24 is also a subnet of site 'dc'"])
    }

    func testBandwidthTestsAreChecked() {
        let bad = """
            bandwidth:
              tests:
                - {link: fo-dc-bkd, server: 10.0.0.2, duration: 10s}
                - {link: fo-nowhere, server: 10.0.0.2}
                - {link: fo-dc-bkd, server: "10.0.0.2 ", protocol: udp}
                - {site: bkd}
            """
        XCTAssertEqual(check(Self.good, extraProbes: ["bandwidth.yaml": bad]), [
            "probes/bandwidth.yaml:4: bandwidth.tests[1].link: no link with id 'fo-nowhere' in network.yaml",
            "probes/bandwidth.yaml:5: bandwidth.tests[2].server: '10.0.0.2 ' is not an IPv4 or IPv6 address or a host name",
            "probes/bandwidth.yaml:5: bandwidth.tests[2].udp_rate_mbps: a UDP test needs the rate to offer (loss and jitter are measured at it)",
            "probes/bandwidth.yaml:6: bandwidth.tests[3].server: required: the iperf3 server at the far end",
        ])
    }

    func testBadTimesAndTimezone() {
        XCTAssertEqual(check(replacing("Asia/Makassar", "Asia/Makasar")),
                       ["network.yaml:2: timezone: 'Asia/Makasar' is not an IANA time zone (e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)"])
        XCTAssertEqual(check(replacing("\"2026-03-10T09:00:00+08:00\"", "\"2026-03-10 09:00\"")),
                       ["network.yaml:14: maintenance[0].from: '2026-03-10 09:00' is not an ISO 8601 time with offset (e.g. 2026-03-10T09:00:00+07:00)"])
        XCTAssertEqual(check(replacing("\"08:00-16:00\"", "\"8am-4pm\"")),
                       ["network.yaml:5: calendar.hours: '8am-4pm' is not working hours of the form HH:MM-HH:MM"])
        XCTAssertEqual(check(replacing("to: \"2026-03-10T11:00:00+08:00\"", "to: \"2026-03-10T08:00:00+08:00\"")),
                       ["network.yaml:14: maintenance[0].to: maintenance ends before (or when) it starts"])
    }

    /// Night shifts and 24-hour units: hours may cross midnight, but a second belongs to one day.
    func testHoursCrossingMidnight() {
        XCTAssertEqual(check(replacing("\"08:00-16:00\"", "\"16:00-08:00\"")), [], "ends at 08:00, when the next day's hours begin")
        XCTAssertEqual(check(replacing("  holidays:", "  hours_by_day: {fri: \"22:00-06:00\"}\n  holidays:")), [], "Saturday is not a working day")
        XCTAssertEqual(check(replacing("  holidays:", "  hours_by_day: {mon: \"16:00-09:00\"}\n  holidays:")),
                       ["network.yaml:3: calendar.hours_by_day.mon: mon 16:00-09:00 runs into tue 08:00-16:00: hours that cross midnight "
                        + "belong to the day they start and must end before the next day's hours begin"])
        XCTAssertEqual(check(replacing("\"08:00-16:00\"", "\"08:00-08:00\"")),
                       ["network.yaml:5: calendar.hours: hours '08:00-08:00' end when they start (for a whole day write 00:00-24:00)"])
    }

    func testOverlappingMaintenance() {
        let yaml = Self.good + "  - {target: bkd, from: \"2026-03-10T10:30:00+08:00\", to: \"2026-03-10T12:00:00+08:00\"}\n"
        XCTAssertEqual(check(yaml), ["network.yaml:15: maintenance[1]: overlaps maintenance[0] (line 14) for 'bkd'"])
    }

    func testMalformedHolidayRows() {
        let d = check(Self.good, holidays: "date,name\n2026-01-01,Tahun Baru Masehi\n2026-13-01,Bulan salah\n2026-05-01\n2026-06-01,\n")
        XCTAssertEqual(d, ["libur.csv:3: date: '2026-13-01' is not a date (YYYY-MM-DD)",
                           "libur.csv:4: (row): expected 2 fields 'date,name', found 1",
                           "libur.csv:5: name: holiday name is empty"])
        XCTAssertEqual(check(Self.good, holidays: "tanggal;nama\n"), ["libur.csv:1: (header): the first row must be 'date,name'"])
        XCTAssertEqual(check(Self.good, holidays: "date,name\r\n2026-01-01,Tahun Baru\r\n"), [])
    }

    func testYAMLSyntaxAndProbeErrors() {
        let d = check(replacing("sites:\n", "sites:\n  - {id: [\n"))
        XCTAssertTrue(d.first?.hasPrefix("network.yaml:") ?? false, "\(d)")
        XCTAssertEqual(check(Self.good, probes: "icmp:\n  defaults: {packets: 0, interval: 30x}\n  sites: {nope: {timeout: 2s}}\n"), [
            "probes/icmp.yaml:2: icmp.defaults.interval: '30x' is not a duration (e.g. 500ms, 30s, 2m, 1h)",
            "probes/icmp.yaml:2: icmp.defaults.packets: 0 is out of range 1...100",
            "probes/icmp.yaml:3: icmp.sites.nope: no site with id 'nope' in network.yaml",
        ])
    }
}

/// Loads the good fixture network with one probe file (`probes/<file>`), returning the loaded
/// configuration or the diagnostics with the temporary probes path shown as `probes/`.
func loadWithProbeFile(_ file: String, _ yaml: String, env: [String: String] = [:]) -> (LoadedConfiguration?, [String]) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-probe-\(UUID().uuidString)")
    let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
    try! FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
    try! FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try! CheckFixtureTests.good.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
    try! "date,name\n".write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
    try! yaml.write(to: pr.appendingPathComponent(file), atomically: true, encoding: .utf8)
    do {
        return (try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path, environment: env), [])
    } catch let e as ConfigurationErrors {
        return (nil, e.diagnostics.map { $0.description.replacingOccurrences(of: pr.path + "/", with: "probes/") })
    } catch { return (nil, ["\(error)"]) }
}
