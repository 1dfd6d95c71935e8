import Foundation
import PantauCore
import XCTest

/// Issue 27: the NOC map lays out 30 to 1,000 sites by itself: every site on the canvas, no two
/// on one spot, a POP's OPDs next to it (its sector), pinned sites where the inventory says.
final class MapLayoutTests: XCTestCase {
    /// A core, `pops` POPs, OPDs spread over them, one ring of three OPDs and a second uplink.
    static func network(opds n: Int, pops: Int) -> Inventory {
        var sites = [Site(id: "dc", name: "Pusat Data", role: .core)]
        var links: [Link] = []
        for p in 0..<pops {
            sites.append(Site(id: "pop\(p)", name: "POP \(p)", role: .distribution, uplinks: ["fo-pop\(p)"]))
            links.append(Link(id: "fo-pop\(p)", kind: .foUnderground, from: "dc", to: "pop\(p)"))
        }
        for i in 0..<n {
            sites.append(Site(id: "opd\(i)", name: "OPD \(i)", uplinks: ["fo-opd\(i)"] + (i == 0 ? ["fo-second"] : [])))
            links.append(Link(id: "fo-opd\(i)", kind: .foAerial, from: "pop\(i % pops)", to: "opd\(i)"))
        }
        links.append(Link(id: "fo-second", kind: .wireless, from: "pop\(pops - 1)", to: "opd0"))
        return Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: sites, links: links, maintenance: [])
    }

    func testEverySiteHasItsOwnPlaceFrom30To1000Sites() {
        for (n, pops) in [(27, 2), (100, 4), (300, 8), (1_000, 20)] {
            let inv = Self.network(opds: n, pops: pops)
            let layout = MapLayout(inventory: inv)
            XCTAssertEqual(layout.positions.count, inv.sites.count, "\(n): every site placed")
            for (id, p) in layout.positions {
                XCTAssertTrue((0...MapLayout.size).contains(p.x) && (0...MapLayout.size).contains(p.y), "\(id) at \(p) is off the canvas")
            }
            // No two sites closer than a shape's width at this size (1,000 sites: ~3 units on a 1,000 canvas).
            let points = Array(layout.positions.values)
            var closest = Double.infinity
            for i in points.indices { for j in points.indices where j > i {
                closest = min(closest, hypot(points[i].x - points[j].x, points[i].y - points[j].y))
            } }
            XCTAssertGreaterThan(closest, n >= 1_000 ? 2.5 : 6, "\(n) sites: two sites \(closest) apart")
            // A POP's OPDs sit around it, not across the map: nearer their own POP than the average POP.
            let pop0 = layout.positions["pop0"]!
            let own = (0..<n).filter { $0 % pops == 0 }.map { hypot(layout.positions["opd\($0)"]!.x - pop0.x, layout.positions["opd\($0)"]!.y - pop0.y) }
            let others = (0..<n).filter { $0 % pops != 0 }.map { hypot(layout.positions["opd\($0)"]!.x - pop0.x, layout.positions["opd\($0)"]!.y - pop0.y) }
            XCTAssertLessThan(own.reduce(0, +) / Double(own.count), others.reduce(0, +) / Double(others.count), "\(n): POP 0's OPDs are its neighbours")
            XCTAssertEqual(layout.parent["opd1"], "pop1")
            XCTAssertTrue(layout.hubs.contains("dc") && layout.hubs.contains("pop0"))
        }
    }

    func testAPinnedSiteKeepsItsPlace() {
        var inv = Self.network(opds: 30, pops: 3)
        inv.sites[inv.sites.firstIndex { $0.id == "opd7" }!].map = MapPosition(x: 120, y: 880)
        let layout = MapLayout(inventory: inv)
        XCTAssertEqual(layout.positions["opd7"], MapPosition(x: 120, y: 880))
        XCTAssertEqual(layout.positions["opd8"], MapLayout(inventory: Self.network(opds: 30, pops: 3)).positions["opd8"], "the others stay where they were")
    }
}
