import PantauCore
import XCTest

/// FO rings (issue 13): a ring of POPs through the core, each ring segment listed as an uplink
/// by both of its ends. One cut leaves every site up (a redundancy notice); two cuts cut off the
/// sites between them, on one ticket that names both cut links.
final class RingTests: XCTestCase {
    //   dc -r1- kecA -r2- kecB -r3- kecC -r4- dc ;  kecB -fo-opd- opdB (a tree below the ring)
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core),
        Site(id: "kecA", name: "Kec. A", role: .distribution, uplinks: ["r1", "r2"]),
        Site(id: "kecB", name: "Kec. B", role: .distribution, uplinks: ["r2", "r3"]),
        Site(id: "kecC", name: "Kec. C", role: .distribution, uplinks: ["r3", "r4"]),
        Site(id: "opdB", name: "Puskesmas B", criticality: .high, uplinks: ["fo-opd"]),
    ], links: [
        Link(id: "r1", kind: .foAerial, from: "dc", to: "kecA"), Link(id: "r2", kind: .foAerial, from: "kecA", to: "kecB"),
        Link(id: "r3", kind: .foAerial, from: "kecB", to: "kecC"), Link(id: "r4", kind: .foUnderground, from: "dc", to: "kecC"),
        Link(id: "fo-opd", kind: .foAerial, from: "kecB", to: "opdB"),
    ], maintenance: [])

    func snapshot(downSites: [String] = [], downLinks: [(String, EpochSeconds)] = []) -> NetworkSnapshot {
        var s = NetworkSnapshot()
        for site in inv.sites { s.sites[site.id] = ElementState(downSites.contains(site.id) ? .down : .up, since: 1000) }
        for l in inv.links {
            let cut = downLinks.first { $0.0 == l.id }
            s.links[l.id] = ElementState(cut == nil ? .up : .down, since: cut?.1 ?? 1000, detail: "port")
        }
        return s
    }

    func testOneCutIsARedundancyNoticeTwoCutsCutOffTheSitesBetween() {
        let t = Topology(inv)
        XCTAssertEqual(t.unreachableFromCore(), [], "every ring site reaches the core")
        XCTAssertEqual(t.reachable(inventory: inv, failedSites: [], failedLinks: ["r2"]), ["dc", "kecA", "kecB", "kecC", "opdB"])
        XCTAssertEqual(t.reachable(inventory: inv, failedSites: [], failedLinks: ["r1", "r3"]), ["dc", "kecC"])

        let a = RootCauseAnalyzer(inventory: inv)
        let one = a.analyze(snapshot(downLinks: [("r2", 1000)]))
        XCTAssertEqual(one.map(\.key), ["link:r2"])
        XCTAssertEqual(one[0].affectedSites, [])
        XCTAssertFalse(one[0].isOutage, "a ring with one cut stays up: a notice")
        XCTAssertTrue(one[0].evidence.last!.contains("redundancy lost"), "\(one[0].evidence)")

        // r2 cut at 1000, then r4 at 1300: kecB, kecC and the OPD below kecB have no path left.
        let two = a.analyze(snapshot(downSites: ["kecB", "kecC", "opdB"], downLinks: [("r2", 1000), ("r4", 1300)]))
        XCTAssertEqual(two.map(\.key), ["link:r2", "link:r4"])
        let r4 = two[1]
        XCTAssertEqual(r4.affectedSites, ["kecB", "kecC", "opdB"], "one ticket lists every site cut off")
        XCTAssertTrue(r4.isOutage)
        XCTAssertTrue(r4.evidence.last!.contains("together with r2 (already down)"), "the ticket names both cuts: \(r4.evidence)")
        XCTAssertEqual(two[0].affectedSites, [], "the earlier cut keeps its notice; the sites are on r4's ticket")

        // A cut inside the tree below the ring is attributed as before.
        let tree = a.analyze(snapshot(downSites: ["opdB"], downLinks: [("fo-opd", 1000)]))
        XCTAssertEqual(tree.map(\.key), ["link:fo-opd"])
        XCTAssertEqual(tree[0].affectedSites, ["opdB"])
    }
}
