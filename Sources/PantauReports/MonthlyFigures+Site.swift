import PantauCore

extension MonthlyFigures {
    /// The figures of one OPD: its row, its incidents, its days and trend as the network's,
    /// and page 1 recounted for it alone. Nil when the site is not an OPD of these figures.
    public func restricted(to site: String) -> MonthlyFigures? {
        guard let o = opds.first(where: { $0.site == site }) else { return nil }
        var f = self
        f.opds = [o]
        f.days = o.days
        f.trend = o.trend
        f.incidents = incidents.filter { $0.sites.contains(site) || $0.root == site }
        f.maintenance = maintenance.filter { $0.target == site }
        func counts(_ keys: [String], _ order: [Summary.Count]) -> [Summary.Count] {
            order.compactMap { c in
                let n = keys.filter { $0 == c.key }.count
                return n > 0 ? Summary.Count(key: c.key, count: n) : nil
            }
        }
        let repair = summary.repair.compactMap { r -> Summary.Repair? in
            let mine = f.incidents.filter { $0.priority == r.priority }
            guard !mine.isEmpty else { return nil }
            let within = mine.filter { $0.repairedWithinTarget == true }.count, breached = mine.filter { $0.repairedWithinTarget == false }.count
            return Summary.Repair(priority: r.priority, targetDays: r.targetDays, tickets: mine.count, within: within, breached: breached,
                                  running: mine.count - within - breached,
                                  withinPct: Ratio(Int64(within), Int64(within + breached)).flatMap { Double($0.percentString()) })
        }
        f.summary = Summary(opds: 1, met: o.accountableMeetsTarget == true ? 1 : 0, missed: o.accountableMeetsTarget == false ? 1 : 0,
                            noData: o.accountableMeetsTarget == nil ? 1 : 0, network: o.totals,
                            missedRanking: o.accountableMeetsTarget == false ? [site] : [],
                            incidentsByPriority: counts(f.incidents.map(\.priority), summary.incidentsByPriority),
                            incidentsByCause: counts(f.incidents.map(\.suspectedCause), summary.incidentsByCause), repair: repair)
        return f
    }
}
