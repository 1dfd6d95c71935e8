import PantauCore
import PantauProbes

/// The demo's scripted faults, chosen from the inventory so they fit any sample network.
enum DemoScenario {
    struct Item {
        var fault: SimulatedFault
        var textID: String
        var textEN: String
    }

    static func faults(for inv: Inventory, start: Double) -> [Item] {
        var items: [Item] = []
        let undersea = inv.links.first { $0.kind == .foUndersea } ?? inv.links.first { $0.kind.isFiber }
        if let l = undersea {
            items.append(Item(fault: SimulatedFault(.linkCut(l.id), from: start + 8 * 60, to: start + 22 * 60),
                              textID: "kabel \(l.kind.rawValue) \(l.id) putus (\(l.name ?? l.from + "-" + l.to))",
                              textEN: "\(l.kind.rawValue) cable \(l.id) cut (\(l.name ?? l.from + "-" + l.to))"))
        }
        let opds = inv.sites.filter { $0.role == .opd && $0.address != nil }
        if opds.count > 2 {
            let blip = opds[opds.count / 3], power = opds[opds.count / 2]
            items.append(Item(fault: SimulatedFault(.echoLoss(blip.id), from: start + 28 * 60, to: start + 28 * 60 + 20),
                              textID: "\(blip.id) tidak menjawab satu putaran (tidak dikonfirmasi: tidak ada perubahan status)",
                              textEN: "\(blip.id) misses one round (not confirmed: no state change)"))
            items.append(Item(fault: SimulatedFault(.siteDown(power.id), from: start + 35 * 60, to: start + 44 * 60),
                              textID: "perangkat \(power.id) mati (listrik belum dinyalakan kembali)",
                              textEN: "\(power.id) device off (power not switched back on)"))
        }
        return items
    }
}
