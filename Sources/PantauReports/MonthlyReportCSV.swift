import PantauCore

/// The report for spreadsheets (RFC 4180, `.` as the decimal point, seconds as integers): one
/// row per OPD, and one row per incident.
public enum MonthlyReportCSV {
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
    static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
    static func d(_ x: Double?) -> String { x.map { String($0) } ?? "" }
    static func b(_ x: Bool?) -> String { x.map { $0 ? "true" : "false" } ?? "" }

    public static func opds(_ r: MonthlyReport) -> String {
        var out = row(["month", "status", "revision", "site", "name", "scheduled_s", "up_s", "down_s", "unreachable_s", "unknown_s",
                       "maintenance_s", "excused_s", "availability_pct", "known_availability_pct", "accountable_pct",
                       "accountable_known_pct", "coverage_pct", "meets_target", "accountable_meets_target", "incidents", "mttr_working_s",
                       "sha256"])
        for o in r.figures.opds {
            let t = o.totals
            out += row([r.figures.month, r.status, r.revision.map(String.init) ?? "", o.site, o.name, "\(t.scheduledS)", "\(t.upS)",
                        "\(t.downS)", "\(t.unreachableS)", "\(t.unknownS)", "\(t.maintenanceS)", "\(t.excusedS)", d(t.availabilityPct),
                        d(t.knownAvailabilityPct), d(t.accountablePct), d(t.accountableKnownPct), d(t.coveragePct), b(o.meetsTarget),
                        b(o.accountableMeetsTarget), o.incidents.joined(separator: " "), o.mttrWorkingS.map(String.init) ?? "", r.hash])
        }
        return out
    }

    public static func incidents(_ r: MonthlyReport) -> String {
        var out = row(["month", "number", "kind", "priority", "state", "suspected_cause", "root", "sites", "started_at", "recovered_at",
                       "outage_wall_s", "outage_working_s", "working_s_in_month", "closing_cause", "party", "repair_target_s",
                       "repair_working_s", "repaired_within_target", "resolution"])
        for i in r.figures.incidents {
            out += row([r.figures.month, i.number, i.kind, i.priority, i.state, i.suspectedCause, i.root, i.sites.joined(separator: " "),
                        i.startedAt, i.recoveredAt ?? "", "\(i.outageWallS)", "\(i.outageWorkingS)", "\(i.workingSInMonth)",
                        i.closingCause ?? "", i.party, "\(i.repairTargetS)", "\(i.repairWorkingS)", b(i.repairedWithinTarget), i.resolution])
        }
        return out
    }
}
