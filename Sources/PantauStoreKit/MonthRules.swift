import PantauCore

/// Month close ("tutup buku") as pure functions over the latest revision: a close is revision 0,
/// or the next revision after a reopen (carrying the reopen's reason); refused while the latest
/// revision is in force. A reopen keeps the old revision and marks it reopened; refused for a
/// month never closed or already reopened.
public enum MonthRules {
    /// The revision a close writes.
    public static func close(_ month: String, last: MonthClosure?, snapshot: String, hash: String, by: String, note: String,
                             at: EpochSeconds) throws -> MonthClosure {
        if let last, last.isInForce {
            throw PantauError(.invalidInput, operation: "closing the month", subject: month,
                              message: "already closed (revision \(last.revision) by \(last.closedBy)); "
                                + "to correct it: pantau month reopen \(month) --reason TEXT, then close it again")
        }
        return MonthClosure(month: month, revision: (last?.revision ?? -1) + 1, closedAt: at, closedBy: by, note: note, reason: last?.reopenReason,
                            hash: hash, snapshot: snapshot, reopenedAt: nil, reopenedBy: nil, reopenReason: nil)
    }

    /// The latest revision as a reopen leaves it.
    public static func reopen(_ month: String, last: MonthClosure?, reason: String, by: String, at: EpochSeconds) throws -> MonthClosure {
        guard let last else { throw PantauError(.invalidInput, operation: "reopening the month", subject: month, message: "it was never closed") }
        guard last.isInForce else {
            throw PantauError(.invalidInput, operation: "reopening the month", subject: month,
                              message: "already reopened (revision \(last.revision), reason: \(last.reopenReason ?? ""))")
        }
        var r = last
        r.reopenedAt = at
        r.reopenedBy = by
        r.reopenReason = reason
        return r
    }
}
