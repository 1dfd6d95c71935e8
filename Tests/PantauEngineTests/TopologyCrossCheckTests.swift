import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import XCTest

final class TopologyCrossCheckTests: XCTestCase {
    func testInterfaceNamesAbbreviations() {
        XCTAssertTrue(InterfaceNames.same("Eth1/21", "Ethernet1/21"))
        XCTAssertTrue(InterfaceNames.same("Gi0/1", "GigabitEthernet0/1"))
        XCTAssertTrue(InterfaceNames.same("sfp-sfpplus1", "SFP-SFPPLUS1"))
        XCTAssertTrue(InterfaceNames.same("17", "17"))
        XCTAssertFalse(InterfaceNames.same("Gi0/1", "Gi0/10"))
        XCTAssertFalse(InterfaceNames.same("Gi0/1", "Te0/1"))
        XCTAssertFalse(InterfaceNames.same("", ""))
        XCTAssertEqual(InterfaceNames.system("KOTA-SW1.diskominfo.go.id"), "kota-sw1")
        XCTAssertEqual(InterfaceNames.system("10.1.2.3"), "10.1.2.3")
    }

    let inventory = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "dc", role: .core),
        Site(id: "kota", name: "kota", uplinks: ["fo-kota"]),
        Site(id: "dinkes", name: "dinkes", uplinks: ["fo-dinkes"]),
        Site(id: "bkd", name: "bkd", uplinks: ["fo-bkd"]),
    ], links: [
        Link(id: "fo-kota", kind: .foUnderground, from: "dc", to: "kota",
             a: LinkEnd(device: "core", interface: "sfp-sfpplus1"), b: LinkEnd(device: "kota-sw", interface: "Gi0/1")),
        Link(id: "fo-dinkes", kind: .foAerial, from: "dc", to: "dinkes", a: LinkEnd(device: "core", interface: "sfp-sfpplus2")),
        Link(id: "fo-bkd", kind: .foAerial, from: "dc", to: "bkd", a: LinkEnd(device: "core", interface: "sfp-sfpplus3")),
    ], devices: [
        Device(id: "core", site: "dc", address: "127.0.0.1", vendor: .mikrotik, role: .core, snmpProfile: "p"),
        Device(id: "kota-sw", site: "kota", address: "127.0.0.2", vendor: .cisco, snmpProfile: "p"),
        Device(id: "dinkes-sw", site: "dinkes", address: "127.0.0.3", snmpProfile: "p"),
    ], maintenance: [])

    func port(_ name: String, up: Bool = true) -> InterfaceReading {
        InterfaceReading(ifIndex: 1, name: name, adminStatus: 1, operStatus: up ? 1 : 2)
    }

    func testVerdicts() {
        let core = DeviceReading(device: "core", interfaces: [port("sfp-sfpplus1"), port("sfp-sfpplus2"), port("sfp-sfpplus3", up: false),
                                                              port("ether5")], neighbors: [
            NeighborReading(localInterface: "sfp-sfpplus1", remoteSystem: "KOTA-SW1", remotePort: "", source: "mikrotik"),
            // fo-dinkes's port actually leads to the kota switch's second port.
            NeighborReading(localInterface: "sfp-sfpplus2", remoteSystem: "kota-sw1.pemkot.go.id", remotePort: "Gi0/2", source: "lldp"),
            // An undeclared cable between two inventory devices.
            NeighborReading(localInterface: "ether5", remoteSystem: "dinkes-sw", remotePort: "Gi0/24", source: "lldp"),
        ])
        let kota = DeviceReading(device: "kota-sw", interfaces: [port("GigabitEthernet0/1")], neighbors: [
            NeighborReading(localInterface: "GigabitEthernet0/1", remoteSystem: "core-dc", remotePort: "sfp-sfpplus9",
                            remotePortDescription: "sfp-sfpplus9", source: "lldp"),
        ])
        let check = TopologyCrossCheck(inventory: inventory, sysNames: ["kota-sw": "KOTA-SW1", "core": "core-dc"])
        let f = check.run(["core": core, "kota-sw": kota])
        func find(_ link: String?, _ device: String) -> TopologyFinding? { f.first { $0.link == link && $0.device == device } }

        // core sees KOTA-SW1 (MikroTik table: no remote port) on sfp-sfpplus1: agrees.
        XCTAssertEqual(find("fo-kota", "core")?.verdict, .agrees)
        // kota-sw sees core-dc (core's sysName) but on sfp-sfpplus9, not sfp-sfpplus1: mismatch.
        XCTAssertEqual(find("fo-kota", "kota-sw")?.verdict, .mismatch)
        XCTAssertEqual(find("fo-kota", "kota-sw")?.detail, "the port leads to inventory device core")
        // fo-dinkes has no b end; its port leads to a device at site kota, not dinkes.
        XCTAssertEqual(find("fo-dinkes", "core")?.verdict, .mismatch)
        XCTAssertEqual(find("fo-dinkes", "core")?.detail, "the port leads to kota-sw at site kota, the link goes to dinkes")
        XCTAssertEqual(find("fo-bkd", "core")?.verdict, .noNeighbor)
        XCTAssertEqual(find("fo-bkd", "core")?.detail, "port not up")
        XCTAssertEqual(find(nil, "core")?.verdict, .notInInventory)
        XCTAssertEqual(find(nil, "core")?.interface, "ether5")
        XCTAssertEqual(f.filter(\.isDisagreement).count, 3)
        XCTAssertEqual(f.first?.verdict, .mismatch, "disagreements come first")

        // Unreadable and LLDP-less devices are reported, never judged.
        let dead = check.run(["core": DeviceReading(device: "core", failure: SNMPFailure(.timeout, "core: no response")),
                              "kota-sw": DeviceReading(device: "kota-sw", interfaces: [port("GigabitEthernet0/1")])])
        XCTAssertEqual(dead.first { $0.device == "core" }?.verdict, .unreachable)
        XCTAssertEqual(dead.first { $0.device == "kota-sw" }?.verdict, .noDiscovery)
        XCTAssertTrue(dead.allSatisfy { !$0.isDisagreement })
    }
}
