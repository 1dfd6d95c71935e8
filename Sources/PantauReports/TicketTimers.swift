import Foundation
import PantauCore
import PantauStoreKit

/// A ticket's SLA timers in working time, with the ledger that explains them.
public struct TicketTimers: Sendable {
    public struct Timer: Sendable, Hashable {
        /// Target in working seconds.
        public var targetSeconds: Int64
        /// Working seconds used so far (or until met).
        public var elapsedSeconds: Int64
        /// When the target falls due (nil: the calendar has no working time ahead).
        public var due: EpochSeconds?
        /// Met (stopped within target), breached, or still running.
        public var met: Bool
        public var breached: Bool
    }

    public var response: Timer
    public var repair: Timer
    /// Outage length from the failure to recovery (or now): wall seconds and working seconds.
    public var outageWallSeconds: Int64
    public var outageWorkingSeconds: Int64
    public var ledger: [String]

    public init(ticket t: Ticket, inventory: Inventory, policy: PriorityPolicy, now: EpochSeconds) {
        let cal = WorkingCalendar(spec: inventory.calendar, timeZone: TimeZone(identifier: inventory.timezone) ?? .current)
        func timer(target: Int64, from: EpochSeconds, stop: EpochSeconds?) -> Timer {
            let end = stop ?? now
            let used = cal.workingSeconds(from: from, to: end)
            return Timer(targetSeconds: target, elapsedSeconds: used, due: cal.instant(afterWorking: target, from: from),
                         met: stop != nil && used <= target, breached: used > target)
        }
        let responseTarget = policy.responseSeconds[t.priority] ?? 8 * 3600
        let days = policy.repairDays(t.priority, sla: inventory.sla)
        let repairTarget = Int64(days) * policy.workingDaySeconds
        // Responded when someone took it or it recovered, whichever came first.
        response = timer(target: responseTarget, from: t.openedAt, stop: [t.acknowledgedAt, t.resolvedAt].compactMap { $0 }.min())
        let repaired = t.recoveredAt ?? t.resolvedAt
        repair = timer(target: repairTarget, from: t.openedAt, stop: repaired)
        let outageEnd = repaired ?? now
        outageWallSeconds = max(0, outageEnd - t.startedAt)
        outageWorkingSeconds = cal.workingSeconds(from: t.startedAt, to: outageEnd)
        func d(_ s: Int64) -> String { DurationText.hms(s) }
        func when(_ e: EpochSeconds?) -> String { e.map { ISO8601.format($0, in: cal.timeZone) } ?? "-" }
        ledger = [
            "opened \(when(t.openedAt)), failure began \(when(t.startedAt))",
            "response target \(t.priority.rawValue): \(d(responseTarget)) working time, due \(when(response.due)); "
                + (t.acknowledgedAt != nil && t.acknowledgedAt! <= (t.resolvedAt ?? .max) ? "acknowledged after \(d(response.elapsedSeconds))"
                   : t.resolvedAt != nil ? "resolved before anyone acknowledged it, after \(d(response.elapsedSeconds))"
                   : "\(d(response.elapsedSeconds)) used so far")
                + (response.breached ? " - BREACHED" : response.met ? " - met" : ""),
            "repair target \(t.priority.rawValue): \(days) working day(s) = \(d(repairTarget)) working time, due \(when(repair.due)); "
                + (repaired != nil ? "repaired after \(d(repair.elapsedSeconds))" : "\(d(repair.elapsedSeconds)) used so far")
                + (repair.breached ? " - BREACHED" : repair.met ? " - met" : ""),
            "outage \(d(outageWallSeconds)) wall time, \(d(outageWorkingSeconds)) in working hours (calendar: "
                + "\(inventory.calendar.hours) on \(Weekday.allCases.filter { inventory.calendar.workweek.contains($0) }.map(\.rawValue).joined(separator: ",")), holidays excluded)",
        ]
    }
}
