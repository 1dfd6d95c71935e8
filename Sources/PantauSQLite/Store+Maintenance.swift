import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    public func sourceHealth() async throws -> [SourceHealth] {
        try await read("reading the sources' health") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, prober, engine, started_s, last_seen_s, ended_s, end_reason, cycle, detail FROM source
                WHERE kind = 'engine' AND prober IS NOT NULL
                  AND id IN (SELECT MAX(id) FROM source WHERE kind = 'engine' AND prober IS NOT NULL GROUP BY prober, engine)
                ORDER BY engine, prober
                """).map { r in
                let cycle: String? = r["cycle"]
                return SourceHealth(session: r["id"], prober: r["prober"], engine: r["engine"] ?? "local", startedAt: r["started_s"],
                                    lastSeen: r["last_seen_s"], endedAt: r["ended_s"], endReason: r["end_reason"],
                                    cycle: cycle.flatMap { try? JSONDecoder().decode(CycleReport.self, from: Data($0.utf8)) },
                                    notice: EngineDetail.notice(inEncoded: r["detail"]))
            }
        }
    }

    /// The database file must still be the one opened: a file deleted (or replaced) under a
    /// running engine would silently swallow everything written after.
    public func checkIntegrity() throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw PantauError(.storage, operation: "checking the database file", subject: path,
                              message: "the database file is gone (\(String(cString: strerror(errno)))); nothing more can be recorded")
        }
        guard st.st_ino == identity.inode, st.st_dev == identity.device else {
            throw PantauError(.storage, operation: "checking the database file", subject: path,
                              message: "the database file was replaced by another file while the engine ran")
        }
    }

    /// Drops what `policy` no longer keeps. Fine rollups past their days become hourly ones,
    /// hourly ones daily ones (ICMP and links), so the trend survives at a fraction of the cost.
    public func prune(_ policy: RetentionPolicy, now: EpochSeconds) async throws -> PruneReport {
        try await write("pruning old measurements") { db in
            var report = PruneReport()
            let day = RetentionPolicy.day
            func run(_ table: String, _ sql: String, _ args: StatementArguments) throws {
                try db.execute(sql: sql, arguments: args)
                report.deleted[table, default: 0] += db.changesCount
            }
            // ICMP: 5-minute buckets compact into hourly ones (already written live), hourly into daily.
            try run("icmp_rollup", "DELETE FROM icmp_rollup WHERE resolution_s = 300 AND bucket_s < ?", [now - Int64(policy.fineDays) * day])
            let hourlyCut = now - Int64(policy.hourlyDays) * day
            try db.execute(sql: """
                INSERT INTO icmp_rollup (target, resolution_s, bucket_s, rounds, sent, received, rtt_sum_ms, rtt_samples,
                  rtt_min_ms, rtt_max_ms, jitter_sum_ms, jitter_samples)
                SELECT target, 86400, bucket_s - bucket_s % 86400, SUM(rounds), SUM(sent), SUM(received), SUM(rtt_sum_ms),
                  SUM(rtt_samples), MIN(rtt_min_ms), MAX(rtt_max_ms), SUM(jitter_sum_ms), SUM(jitter_samples)
                FROM icmp_rollup WHERE resolution_s = 3600 AND bucket_s < ? GROUP BY target, bucket_s - bucket_s % 86400
                ON CONFLICT(target, resolution_s, bucket_s) DO UPDATE SET rounds = rounds + excluded.rounds,
                  sent = sent + excluded.sent, received = received + excluded.received,
                  rtt_sum_ms = rtt_sum_ms + excluded.rtt_sum_ms, rtt_samples = rtt_samples + excluded.rtt_samples,
                  rtt_min_ms = MIN(COALESCE(rtt_min_ms, excluded.rtt_min_ms), COALESCE(excluded.rtt_min_ms, rtt_min_ms)),
                  rtt_max_ms = MAX(COALESCE(rtt_max_ms, excluded.rtt_max_ms), COALESCE(excluded.rtt_max_ms, rtt_max_ms)),
                  jitter_sum_ms = jitter_sum_ms + excluded.jitter_sum_ms, jitter_samples = jitter_samples + excluded.jitter_samples
                """, arguments: [hourlyCut])
            try run("icmp_rollup", "DELETE FROM icmp_rollup WHERE resolution_s = 3600 AND bucket_s < ?", [hourlyCut])
            try run("icmp_rollup", "DELETE FROM icmp_rollup WHERE resolution_s = 86400 AND bucket_s < ?", [now - Int64(policy.dailyDays) * day])
            // Links: 5-minute buckets compact into daily ones in link_rollup_daily.
            let fineCut = now - Int64(policy.fineDays) * day
            try db.execute(sql: """
                INSERT INTO link_rollup_daily (target, bucket_s, polls, in_bps_sum, in_samples, in_bps_max, out_bps_sum, out_samples, out_bps_max)
                SELECT target, bucket_s - bucket_s % 86400, SUM(polls), SUM(in_bps_sum), SUM(in_samples), MAX(in_bps_max),
                  SUM(out_bps_sum), SUM(out_samples), MAX(out_bps_max)
                FROM link_rollup WHERE bucket_s < ? GROUP BY target, bucket_s - bucket_s % 86400
                ON CONFLICT(target, bucket_s) DO UPDATE SET polls = polls + excluded.polls,
                  in_bps_sum = in_bps_sum + excluded.in_bps_sum, in_samples = in_samples + excluded.in_samples,
                  in_bps_max = MAX(COALESCE(in_bps_max, excluded.in_bps_max), COALESCE(excluded.in_bps_max, in_bps_max)),
                  out_bps_sum = out_bps_sum + excluded.out_bps_sum, out_samples = out_samples + excluded.out_samples,
                  out_bps_max = MAX(COALESCE(out_bps_max, excluded.out_bps_max), COALESCE(excluded.out_bps_max, out_bps_max))
                """, arguments: [fineCut])
            try run("link_rollup", "DELETE FROM link_rollup WHERE bucket_s < ?", [fineCut])
            try run("link_rollup_daily", "DELETE FROM link_rollup_daily WHERE bucket_s < ?", [now - Int64(policy.dailyDays) * day])
            try run("opd_traffic", "DELETE FROM opd_traffic WHERE resolution_s = 60 AND bucket_s < ?", [fineCut])
            try run("opd_traffic", "DELETE FROM opd_traffic WHERE resolution_s = 3600 AND bucket_s < ?", [now - Int64(policy.dailyDays) * day])
            try run("top_talker", "DELETE FROM top_talker WHERE bucket_s < ?", [now - policy.topTalkerSeconds])
            try run("optical_hourly", "DELETE FROM optical_hourly WHERE bucket_s < ?", [now - Int64(policy.opticalDays) * day])
            try run("trap_rejection", "DELETE FROM trap_rejection WHERE last_s < ?", [now - Int64(policy.trapRejectionDays) * day])
            try run("outbox", "DELETE FROM outbox WHERE sent_s IS NOT NULL AND sent_s < ?", [now - Int64(policy.deliveredOutboxDays) * day])
            return report
        }
    }
}

extension Store {
    /// Rows in a table (for tests and `docs/performance.md` storage figures).
    public func tableCount(_ table: String) async throws -> Int {
        guard ["icmp_rollup", "link_rollup", "link_rollup_daily", "optical_hourly", "trap_rejection", "outbox", "state_interval",
               "ticket", "ticket_event", "opd_traffic", "top_talker"].contains(table) else { return 0 }
        return try await read("counting \(table)") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    /// Packets sent per the ICMP rollups of the given resolutions since `since` (tests: compaction keeps totals).
    public func sentTotal(resolutions: [Int64], since: EpochSeconds) async throws -> Int {
        try await read("summing rollups") { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(sent), 0) FROM icmp_rollup WHERE bucket_s >= ? AND resolution_s IN (\(resolutions.map(String.init).joined(separator: ",")))",
                             arguments: [since]) ?? 0
        }
    }

    /// Bytes in pages that hold data (the file minus its free list).
    public func usedBytes() async throws -> Int64 {
        try await read("measuring the database") { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            return (pages - free) * size
        }
    }
}
