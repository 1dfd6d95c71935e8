import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Bandwidth test results on PostgreSQL (one row per measured direction, as in SQLite).
extension PostgresStore: BandwidthStore {
    public func recordBandwidth(_ results: [BandwidthResult]) async throws {
        guard !results.isEmpty else { return }
        try await transaction("recording bandwidth tests") { c in try await Self.insert(results, on: c, logger: logger) }
    }

    /// Bandwidth results forwarded from an engine's spool, applied once (keyed like every entry).
    public func forwardBandwidth(key: String, _ results: [BandwidthResult]) async throws {
        try await transaction("recording bandwidth tests (forwarded)") { c in
            var fresh = false
            for try await _ in try await c.query("INSERT INTO ingest_receipt (key) VALUES (\(key)) ON CONFLICT DO NOTHING RETURNING 1",
                                                 logger: logger).decode(Int.self) { fresh = true }
            if fresh { try await Self.insert(results, on: c, logger: logger) }
        }
    }

    static func insert(_ results: [BandwidthResult], on c: PostgresConnection, logger: Logger) async throws {
        for r in results {
            try await c.query("""
                INSERT INTO bandwidth_test (target, at_s, direction, protocol, server, duration_s, sender_bps, receiver_bps,
                  retransmits, jitter_ms, loss_pct, error)
                VALUES (\(r.target), \(r.at), \(r.direction.rawValue), \(r.proto.rawValue), \(r.server), \(r.durationSeconds), \(r.senderBps),
                        \(r.receiverBps), \(r.retransmits.map(Int64.init)), \(r.jitterMs), \(r.lossPct), \(r.error))
                """, logger: logger)
        }
    }

    public func bandwidthHistory(target: String, direction: BandwidthDirection?, limit: Int) async throws -> [BandwidthResult] {
        let directions = direction.map { [$0.rawValue] } ?? BandwidthDirection.allCases.map(\.rawValue)
        let rows = try await run("reading the bandwidth tests of \(target)", """
            SELECT target, at_s, direction, protocol, server, duration_s, sender_bps, receiver_bps, retransmits, jitter_ms, loss_pct, error
            FROM bandwidth_test WHERE target = \(target) AND direction = ANY(\(directions)) ORDER BY at_s DESC, id DESC LIMIT \(limit)
            """)
        var out: [BandwidthResult] = []
        for try await (t, at, d, p, server, duration, sender, receiver, retr, jitter, loss, error)
            in rows.decode((String, Int64, String, String, String, Double, Double?, Double?, Int64?, Double?, Double?, String?).self) {
            out.append(BandwidthResult(target: t, at: at, direction: BandwidthDirection(rawValue: d) ?? .upload, proto: BandwidthProtocol(rawValue: p) ?? .tcp,
                                       server: server, durationSeconds: duration, senderBps: sender, receiverBps: receiver,
                                       retransmits: retr.map { Int($0) }, jitterMs: jitter, lossPct: loss, error: error))
        }
        return out
    }
}

extension PostgresStore {
    /// Taken under a table lock: two processes asking at once are served one after the other.
    public func acquireBandwidthLease(_ lease: BandwidthLease, now: EpochSeconds) async throws -> BandwidthLease? {
        try await transaction("taking the bandwidth test lease of \(lease.target)") { c in
            try await c.query("LOCK TABLE bandwidth_lease IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            try await c.query("DELETE FROM bandwidth_lease WHERE expires_s <= \(now)", logger: logger)
            if let held = BandwidthLeaseRules.conflict(lease, held: try await Self.leases(on: c, logger: logger), now: now) { return held }
            try await c.query("""
                INSERT INTO bandwidth_lease (id, holder, target, links, started_s, expires_s)
                VALUES (\(lease.id), \(lease.holder), \(lease.target), \(BandwidthLeaseRules.encode(lease.links)), \(lease.startedAt), \(lease.expiresAt))
                """, logger: logger)
            return nil
        }
    }

    public func releaseBandwidthLease(_ id: String) async throws {
        _ = try await run("releasing a bandwidth test lease", "DELETE FROM bandwidth_lease WHERE id = \(id)")
    }

    public func bandwidthLeases(now: EpochSeconds) async throws -> [BandwidthLease] {
        try await transaction("reading the bandwidth test leases") { c in try await Self.leases(on: c, logger: logger) }.filter { $0.expiresAt > now }
    }

    static func leases(on c: PostgresConnection, logger: Logger) async throws -> [BandwidthLease] {
        var out: [BandwidthLease] = []
        let rows = try await c.query("SELECT id, holder, target, links, started_s, expires_s FROM bandwidth_lease ORDER BY started_s", logger: logger)
        for try await (id, holder, target, links, started, expires) in rows.decode((String, String, String, String, Int64, Int64).self) {
            out.append(BandwidthLease(id: id, holder: holder, target: target, links: BandwidthLeaseRules.decode(links), startedAt: started, expiresAt: expires))
        }
        return out
    }
}
