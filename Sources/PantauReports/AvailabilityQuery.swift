import Foundation
import PantauCore
import PantauStoreKit

/// Computes availability for sites over a span from the store and the inventory:
/// the calendar gives the scheduled seconds, the store the recorded states of each site
/// and of its parents, the inventory the maintenance windows.
public struct AvailabilityQuery: Sendable {
    public let inventory: Inventory
    public let calendar: WorkingCalendar
    public let topology: Topology

    public init(inventory: Inventory) throws {
        guard let tz = TimeZone(identifier: inventory.timezone) else {
            throw PantauError(.invalidConfiguration, operation: "computing availability", message: "unknown time zone \(inventory.timezone)")
        }
        self.inventory = inventory
        calendar = WorkingCalendar(spec: inventory.calendar, timeZone: tz)
        topology = Topology(inventory)
    }

    /// Results for `sites` (all sites when nil), in inventory order, over `span`.
    public func compute(store: any HistoryStore, span: TimeRange, sites: [String]? = nil) async throws -> [AvailabilityResult] {
        let chosen = inventory.sites.filter { sites?.contains($0.id) ?? true }
        var needed = Set(chosen.map(\.id))
        for s in chosen { needed.formUnion(topology.parents(of: s.id)) }
        let history = try await store.history(overlapping: span, targets: Array(needed).sorted())
        let scheduled = calendar.scheduled(in: span)
        let calc = AvailabilityCalculator()
        return chosen.map { site in
            let parents = topology.parents(of: site.id)
            return calc.compute(target: site.id, span: span, scheduled: scheduled,
                                maintenance: inventory.maintenance(for: site.id).map(\.range),
                                history: history[site.id] ?? [],
                                parentsDown: parents.map { AvailabilityCalculator.downSet(history[$0] ?? []) },
                                targetPct: inventory.sla.availabilityTargetPct)
        }
    }

    /// Results for watched links (all links with ports when nil), same calendar and semantics as
    /// sites. A link has no parents: its availability is its own ports' state.
    public func computeLinks(store: any HistoryStore, span: TimeRange, links: [String]? = nil) async throws -> [AvailabilityResult] {
        let chosen = inventory.links.filter { !$0.ends.isEmpty && (links?.contains($0.id) ?? true) }
        let history = try await store.history(overlapping: span, targets: chosen.map(\.id))
        let scheduled = calendar.scheduled(in: span)
        let calc = AvailabilityCalculator()
        return chosen.map { link in
            calc.compute(target: link.id, span: span, scheduled: scheduled,
                         maintenance: inventory.maintenance(for: link.id).map(\.range),
                         history: history[link.id] ?? [], parentsDown: [],
                         targetPct: inventory.sla.availabilityTargetPct)
        }
    }
}
