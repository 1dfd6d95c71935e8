import Crypto
import Foundation
import PantauCore
import PantauStoreKit

/// The frozen form of a month's figures: canonical JSON (sorted keys) and its SHA-256.
public enum MonthSnapshot {
    /// Canonical JSON of the figures: the bytes that are hashed and stored.
    public static func encode(_ f: MonthlyFigures) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(f), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> MonthlyFigures {
        try JSONDecoder().decode(MonthlyFigures.self, from: Data(text.utf8))
    }

    /// SHA-256 of the text, lowercase hex.
    public static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The figures of a stored revision, checked against the hash it was stored with.
    public static func figures(of c: MonthClosure) throws -> MonthlyFigures {
        guard hash(c.snapshot) == c.hash else {
            throw PantauError(.storage, operation: "reading the closed month", subject: "\(c.month) revision \(c.revision)",
                              message: "the stored figures do not match their hash \(c.hash): the database was altered")
        }
        return try decode(c.snapshot)
    }
}

/// What changed between two revisions of a month, figure by figure.
public struct RevisionChange: Sendable, Codable, Hashable {
    public var site: String
    public var figure: String
    public var before: String
    public var after: String

    /// The OPD figures that differ between `old` and `new` (sites added or removed included).
    public static func between(_ old: MonthlyFigures, _ new: MonthlyFigures) -> [RevisionChange] {
        var out: [RevisionChange] = []
        let before = Dictionary(old.opds.map { ($0.site, $0) }, uniquingKeysWith: { a, _ in a })
        for o in new.opds {
            guard let b = before[o.site] else {
                out.append(.init(site: o.site, figure: "site", before: "-", after: "added"))
                continue
            }
            func cmp(_ name: String, _ x: String, _ y: String) { if x != y { out.append(.init(site: o.site, figure: name, before: x, after: y)) } }
            func p(_ d: Double?) -> String { d.map { String($0) } ?? "-" }
            cmp("accountable_known_pct", p(b.totals.accountableKnownPct), p(o.totals.accountableKnownPct))
            cmp("known_availability_pct", p(b.totals.knownAvailabilityPct), p(o.totals.knownAvailabilityPct))
            cmp("up_s", "\(b.totals.upS)", "\(o.totals.upS)")
            cmp("down_s", "\(b.totals.downS)", "\(o.totals.downS)")
            cmp("unreachable_s", "\(b.totals.unreachableS)", "\(o.totals.unreachableS)")
            cmp("unknown_s", "\(b.totals.unknownS)", "\(o.totals.unknownS)")
            cmp("maintenance_s", "\(b.totals.maintenanceS)", "\(o.totals.maintenanceS)")
            cmp("excused_s", "\(b.totals.excusedS)", "\(o.totals.excusedS)")
        }
        for o in old.opds where !new.opds.contains(where: { $0.site == o.site }) {
            out.append(.init(site: o.site, figure: "site", before: "present", after: "removed"))
        }
        if old.calendar != new.calendar { out.append(.init(site: "*", figure: "calendar", before: "revision before", after: "changed")) }
        if old.maintenance != new.maintenance {
            out.append(.init(site: "*", figure: "maintenance", before: "\(old.maintenance.count) windows", after: "\(new.maintenance.count) windows"))
        }
        return out
    }
}

/// A month's report as rendered: the figures, and whether they are frozen.
public struct MonthlyReport: Sendable, Codable, Hashable {
    public struct Revision: Sendable, Codable, Hashable {
        public var revision: Int
        public var closedAt: String
        public var closedBy: String
        public var note: String
        public var reason: String?
        public var hash: String
        public var reopenedAt: String?
        public var reopenReason: String?
        enum CodingKeys: String, CodingKey {
            case revision, closedAt = "closed_at", closedBy = "closed_by", note, reason, hash, reopenedAt = "reopened_at"
            case reopenReason = "reopen_reason"
        }
    }

    public var schema = "pantau.monthly-report/1"
    /// "closed" (frozen figures of `revision`) or "provisional" (computed now; may change).
    public var status: String
    public var revision: Int?
    /// SHA-256 of the canonical figures.
    public var hash: String
    /// Every revision of the month so far.
    public var revisions: [Revision]
    /// For a revision after the first: what changed from the one before.
    public var changes: [RevisionChange]
    public var figures: MonthlyFigures

    public var isClosed: Bool { status == "closed" }

    /// The report of `month`: the revision in force (or `revision`) when closed, else computed now.
    /// `hashed: false` leaves a provisional month's hash empty for `MonthlyReportJSON`, which
    /// computes it while writing (the figures are then encoded once).
    public static func load(month: YearMonth, revision: Int? = nil, builder: MonthlyReportBuilder, store: any ReportStore,
                            now: EpochSeconds, hashed: Bool = true) async throws -> MonthlyReport {
        let closures = try await store.monthClosures(month.description)
        let tz = builder.query.calendar.timeZone
        let revs = closures.map {
            Revision(revision: $0.revision, closedAt: ISO8601.format($0.closedAt, in: tz), closedBy: $0.closedBy, note: $0.note,
                     reason: $0.reason, hash: $0.hash, reopenedAt: $0.reopenedAt.map { ISO8601.format($0, in: tz) },
                     reopenReason: $0.reopenReason)
        }
        let chosen: MonthClosure?
        if let revision {
            guard let c = closures.first(where: { $0.revision == revision }) else {
                throw PantauError(.notFound, operation: "reading the closed month", subject: "\(month) revision \(revision)",
                                  message: closures.isEmpty ? "the month was never closed"
                                    : "revisions are \(closures.map { String($0.revision) }.joined(separator: ", "))")
            }
            chosen = c
        } else {
            chosen = closures.last.flatMap { $0.isInForce ? $0 : nil }
        }
        if let c = chosen {
            let f = try MonthSnapshot.figures(of: c)
            var changes: [RevisionChange] = []
            if let prev = closures.last(where: { $0.revision < c.revision }) {
                changes = RevisionChange.between(try MonthSnapshot.figures(of: prev), f)
            }
            return MonthlyReport(status: "closed", revision: c.revision, hash: c.hash, revisions: revs, changes: changes, figures: f)
        }
        let f = try await builder.figures(month: month, store: store, now: now)
        return MonthlyReport(status: "provisional", revision: nil, hash: hashed ? MonthSnapshot.hash(try MonthSnapshot.encode(f)) : "",
                             revisions: revs, changes: [], figures: f)
    }
}
