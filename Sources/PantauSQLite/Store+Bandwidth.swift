import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store: BandwidthStore {
    /// Records measured directions of bandwidth tests.
    public func recordBandwidth(_ results: [BandwidthResult]) async throws {
        try await write("recording bandwidth tests") { db in
            for r in results {
                try db.execute(sql: """
                    INSERT INTO bandwidth_test (target, at_s, direction, protocol, server, duration_s, sender_bps, receiver_bps,
                      retransmits, jitter_ms, loss_pct, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.target, r.at, r.direction.rawValue, r.proto.rawValue, r.server, r.durationSeconds, r.senderBps,
                                     r.receiverBps, r.retransmits, r.jitterMs, r.lossPct, r.error])
            }
        }
    }

    /// The tests of `target` (one direction or both), newest first.
    public func bandwidthHistory(target: String, direction: BandwidthDirection? = nil, limit: Int = 100) async throws -> [BandwidthResult] {
        try await read("reading the bandwidth tests of \(target)") { db in
            let rows: [Row]
            if let d = direction {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM bandwidth_test WHERE target = ? AND direction = ? ORDER BY at_s DESC, id DESC LIMIT ?",
                                        arguments: [target, d.rawValue, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM bandwidth_test WHERE target = ? ORDER BY at_s DESC, id DESC LIMIT ?",
                                        arguments: [target, limit])
            }
            return rows.map { r in
                BandwidthResult(target: r["target"], at: r["at_s"], direction: BandwidthDirection(rawValue: r["direction"]) ?? .upload,
                                proto: BandwidthProtocol(rawValue: r["protocol"]) ?? .tcp, server: r["server"], durationSeconds: r["duration_s"],
                                senderBps: r["sender_bps"], receiverBps: r["receiver_bps"], retransmits: r["retransmits"],
                                jitterMs: r["jitter_ms"], lossPct: r["loss_pct"], error: r["error"])
            }
        }
    }
}

extension Store {
    public func acquireBandwidthLease(_ lease: BandwidthLease, now: EpochSeconds) async throws -> BandwidthLease? {
        try await write("taking the bandwidth test lease of \(lease.target)") { db in
            try db.execute(sql: "DELETE FROM bandwidth_lease WHERE expires_s <= ?", arguments: [now])
            if let held = BandwidthLeaseRules.conflict(lease, held: try Self.leases(db), now: now) { return held }
            try db.execute(sql: "INSERT INTO bandwidth_lease (id, holder, target, links, started_s, expires_s) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [lease.id, lease.holder, lease.target, BandwidthLeaseRules.encode(lease.links), lease.startedAt, lease.expiresAt])
            return nil
        }
    }

    public func releaseBandwidthLease(_ id: String) async throws {
        try await write("releasing a bandwidth test lease") { db in try db.execute(sql: "DELETE FROM bandwidth_lease WHERE id = ?", arguments: [id]) }
    }

    public func bandwidthLeases(now: EpochSeconds) async throws -> [BandwidthLease] {
        try await read("reading the bandwidth test leases") { db in try Self.leases(db).filter { $0.expiresAt > now } }
    }

    static func leases(_ db: Database) throws -> [BandwidthLease] {
        try Row.fetchAll(db, sql: "SELECT * FROM bandwidth_lease ORDER BY started_s").map {
            BandwidthLease(id: $0["id"], holder: $0["holder"], target: $0["target"], links: BandwidthLeaseRules.decode($0["links"]),
                           startedAt: $0["started_s"], expiresAt: $0["expires_s"])
        }
    }
}
