import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Measurements on PostgreSQL: the same tables and rollups as the SQLite store, each batch's rows
/// summed in memory first and written with one statement per table (arrays unnested).
extension PostgresStore: SampleStore {
    /// ICMP rollups (5-minute and hourly) of a batch's samples, added to what is stored.
    static func writeICMPRollups(_ samples: [ProbeSample], on c: PostgresConnection, logger: Logger) async throws {
        struct Key: Hashable { var target: String; var res: Int64; var bucket: Int64 }
        struct Sum { var rounds = 0, sent = 0, received = 0, rttSum = 0.0, rttSamples = 0, rttMin = Double.nan, rttMax = Double.nan
                     var jitterSum = 0.0, jitterSamples = 0 }
        var sums: [Key: Sum] = [:]
        for s in samples where !(s.note != nil && s.sent == 0) {
            for res in RetentionRules.rollupResolutions {
                let key = Key(target: s.target, res: res, bucket: s.at - ((s.at % res) + res) % res)
                var x = sums[key] ?? Sum()
                x.rounds += 1
                x.sent += s.sent
                x.received += s.received
                x.rttSum += s.rttsMs.reduce(0, +)
                x.rttSamples += s.rttsMs.count
                if let mn = s.rttsMs.min() { x.rttMin = x.rttMin.isNaN ? mn : min(x.rttMin, mn) }
                if let mx = s.rttsMs.max() { x.rttMax = x.rttMax.isNaN ? mx : max(x.rttMax, mx) }
                if let j = s.jitterMs { x.jitterSum += j; x.jitterSamples += 1 }
                sums[key] = x
            }
        }
        guard !sums.isEmpty else { return }
        let rows = sums.sorted { ($0.key.target, $0.key.res, $0.key.bucket) < ($1.key.target, $1.key.res, $1.key.bucket) }
        let t = rows.map(\.key.target), r = rows.map(\.key.res), b = rows.map(\.key.bucket)
        let rounds = rows.map { Int32($0.value.rounds) }, sent = rows.map { Int32($0.value.sent) }, recv = rows.map { Int32($0.value.received) }
        let rs = rows.map(\.value.rttSum), rn = rows.map { Int32($0.value.rttSamples) }
        let mn = rows.map(\.value.rttMin), mx = rows.map(\.value.rttMax), js = rows.map(\.value.jitterSum), jn = rows.map { Int32($0.value.jitterSamples) }
        try await c.query("""
            INSERT INTO icmp_rollup (target, resolution_s, bucket_s, rounds, sent, received, rtt_sum_ms, rtt_samples, rtt_min_ms, rtt_max_ms,
              jitter_sum_ms, jitter_samples)
            SELECT t, r, b, n, s, v, rs, rn, NULLIF(mn, 'NaN'), NULLIF(mx, 'NaN'), js, jn
            FROM unnest(\(t)::text[], \(r)::bigint[], \(b)::bigint[], \(rounds)::int[], \(sent)::int[], \(recv)::int[], \(rs)::float8[],
                        \(rn)::int[], \(mn)::float8[], \(mx)::float8[], \(js)::float8[], \(jn)::int[]) AS u(t, r, b, n, s, v, rs, rn, mn, mx, js, jn)
            ON CONFLICT (target, resolution_s, bucket_s) DO UPDATE SET rounds = icmp_rollup.rounds + excluded.rounds,
              sent = icmp_rollup.sent + excluded.sent, received = icmp_rollup.received + excluded.received,
              rtt_sum_ms = icmp_rollup.rtt_sum_ms + excluded.rtt_sum_ms, rtt_samples = icmp_rollup.rtt_samples + excluded.rtt_samples,
              rtt_min_ms = LEAST(icmp_rollup.rtt_min_ms, excluded.rtt_min_ms), rtt_max_ms = GREATEST(icmp_rollup.rtt_max_ms, excluded.rtt_max_ms),
              jitter_sum_ms = icmp_rollup.jitter_sum_ms + excluded.jitter_sum_ms, jitter_samples = icmp_rollup.jitter_samples + excluded.jitter_samples
            """, logger: logger)
    }

    /// The latest reading per link, the links' 5-minute rate rollups and the ports' hourly optical power.
    static func writeLinks(_ samples: [LinkSample], optical: [OpticalSample], on c: PostgresConnection, logger: Logger) async throws {
        if !samples.isEmpty {
            var latest: [String: LinkSample] = [:]
            for s in samples where (latest[s.target]?.at ?? .min) <= s.at { latest[s.target] = s }
            let rows = latest.values.sorted { $0.target < $1.target }
            let nan = Double.nan
            try await c.query("""
                INSERT INTO link_last (target, at_s, in_bps, out_bps, utilisation_pct, rx_dbm, tx_dbm, optical_level, detail, port_state)
                SELECT t, a, NULLIF(i, 'NaN'), NULLIF(o, 'NaN'), NULLIF(u, 'NaN'), NULLIF(rx, 'NaN'), NULLIF(tx, 'NaN'), NULLIF(l, ''), d, NULLIF(ps, '')
                FROM unnest(\(rows.map(\.target))::text[], \(rows.map(\.at))::bigint[], \(rows.map { $0.inBps ?? nan })::float8[],
                            \(rows.map { $0.outBps ?? nan })::float8[], \(rows.map { $0.utilisationPct ?? nan })::float8[],
                            \(rows.map { $0.rxDbm ?? nan })::float8[], \(rows.map { $0.txDbm ?? nan })::float8[],
                            \(rows.map { $0.opticalLevel ?? "" })::text[], \(rows.map(\.detail))::text[],
                            \(rows.map { $0.portState?.rawValue ?? "" })::text[]) AS x(t, a, i, o, u, rx, tx, l, d, ps)
                ON CONFLICT (target) DO UPDATE SET at_s = excluded.at_s, in_bps = excluded.in_bps, out_bps = excluded.out_bps,
                  utilisation_pct = excluded.utilisation_pct, rx_dbm = excluded.rx_dbm, tx_dbm = excluded.tx_dbm,
                  optical_level = excluded.optical_level, detail = excluded.detail, port_state = excluded.port_state
                WHERE link_last.at_s <= excluded.at_s
                """, logger: logger)
            struct Sum { var polls = 0, inSum = 0.0, inN = 0, inMax = Double.nan, outSum = 0.0, outN = 0, outMax = Double.nan }
            var sums: [String: Sum] = [:]   // "target\tbucket"
            for s in samples where s.inBps != nil || s.outBps != nil {
                let key = "\(s.target)\t\(s.at - ((s.at % 300) + 300) % 300)"
                var x = sums[key] ?? Sum()
                x.polls += 1
                if let v = s.inBps { x.inSum += v; x.inN += 1; x.inMax = x.inMax.isNaN ? v : max(x.inMax, v) }
                if let v = s.outBps { x.outSum += v; x.outN += 1; x.outMax = x.outMax.isNaN ? v : max(x.outMax, v) }
                sums[key] = x
            }
            if !sums.isEmpty {
                let rows = sums.sorted { $0.key < $1.key }
                let keys = rows.map { $0.key.split(separator: "\t") }
                try await c.query("""
                    INSERT INTO link_rollup (target, bucket_s, polls, in_bps_sum, in_samples, in_bps_max, out_bps_sum, out_samples, out_bps_max)
                    SELECT t, b, p, i, inn, NULLIF(im, 'NaN'), o, onn, NULLIF(om, 'NaN')
                    FROM unnest(\(keys.map { String($0[0]) })::text[], \(keys.map { Int64($0[1])! })::bigint[], \(rows.map { Int32($0.value.polls) })::int[],
                                \(rows.map(\.value.inSum))::float8[], \(rows.map { Int32($0.value.inN) })::int[], \(rows.map(\.value.inMax))::float8[],
                                \(rows.map(\.value.outSum))::float8[], \(rows.map { Int32($0.value.outN) })::int[], \(rows.map(\.value.outMax))::float8[])
                      AS x(t, b, p, i, inn, im, o, onn, om)
                    ON CONFLICT (target, bucket_s) DO UPDATE SET polls = link_rollup.polls + excluded.polls,
                      in_bps_sum = link_rollup.in_bps_sum + excluded.in_bps_sum, in_samples = link_rollup.in_samples + excluded.in_samples,
                      in_bps_max = GREATEST(link_rollup.in_bps_max, excluded.in_bps_max),
                      out_bps_sum = link_rollup.out_bps_sum + excluded.out_bps_sum, out_samples = link_rollup.out_samples + excluded.out_samples,
                      out_bps_max = GREATEST(link_rollup.out_bps_max, excluded.out_bps_max)
                    """, logger: logger)
            }
        }
        if !optical.isEmpty {
            struct Sum { var sum = 0.0, n = 0, min = Double.infinity }
            var sums: [String: Sum] = [:]
            for o in optical {
                let key = "\(o.port)\t\(o.at - ((o.at % 3600) + 3600) % 3600)"
                var x = sums[key] ?? Sum()
                x.sum += o.rxDbm
                x.n += 1
                x.min = Swift.min(x.min, o.rxDbm)
                sums[key] = x
            }
            let rows = sums.sorted { $0.key < $1.key }
            let keys = rows.map { $0.key.split(separator: "\t") }
            try await c.query("""
                INSERT INTO optical_hourly (port, bucket_s, rx_sum, samples, rx_min)
                SELECT * FROM unnest(\(keys.map { String($0[0]) })::text[], \(keys.map { Int64($0[1])! })::bigint[], \(rows.map(\.value.sum))::float8[],
                                     \(rows.map { Int32($0.value.n) })::int[], \(rows.map(\.value.min))::float8[])
                ON CONFLICT (port, bucket_s) DO UPDATE SET rx_sum = optical_hourly.rx_sum + excluded.rx_sum,
                  samples = optical_hourly.samples + excluded.samples, rx_min = LEAST(optical_hourly.rx_min, excluded.rx_min)
                """, logger: logger)
        }
    }

    public func probeLast() async throws -> [String: (lossPct: Double?, rttMs: Double?)] {
        var out: [String: (lossPct: Double?, rttMs: Double?)] = [:]
        for try await (t, sent, recv, rtt) in try await run("reading the last probe rounds", "SELECT target, sent, received, rtt_avg_ms FROM probe_last")
            .decode((String, Int, Int, Double?).self) {
            out[t] = (sent == 0 ? nil : Double(sent - recv) * 100 / Double(sent), rtt)
        }
        return out
    }

    public func linkLast() async throws -> [String: LinkLast] {
        var out: [String: LinkLast] = [:]
        let rows = try await run("reading the latest link measurements",
                                 "SELECT target, at_s, in_bps, out_bps, utilisation_pct, rx_dbm, tx_dbm, optical_level, detail FROM link_last")
        for try await (t, at, i, o, u, rx, tx, l, d) in rows.decode((String, Int64, Double?, Double?, Double?, Double?, Double?, String?, String).self) {
            out[t] = LinkLast(target: t, at: at, inBps: i, outBps: o, utilisationPct: u, rxDbm: rx, txDbm: tx, opticalLevel: l, detail: d)
        }
        return out
    }

    /// The median of a port's hourly rx averages since `since` (nil without at least 3 hours).
    public func opticalBaseline(port: String, since: EpochSeconds) async throws -> Double? {
        var values: [Double] = []
        for try await v in try await run("reading the optical baseline", """
            SELECT rx_sum / samples FROM optical_hourly WHERE port = \(port) AND bucket_s >= \(since) ORDER BY 1
            """).decode(Double.self) { values.append(v) }
        guard values.count >= 3 else { return nil }
        let mid = values.count / 2
        return values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
    }

    public func rollupCounts() async throws -> [Int64: Int] {
        var out: [Int64: Int] = [:]
        for try await (r, n) in try await run("counting rollups", "SELECT resolution_s, COUNT(*) FROM icmp_rollup GROUP BY resolution_s")
            .decode((Int64, Int).self) { out[r] = n }
        return out
    }

    public func icmpTotals(overlapping range: TimeRange) async throws -> [String: (sent: Int, received: Int)] {
        let first = range.start - ((range.start % 300) + 300) % 300
        var out: [String: (sent: Int, received: Int)] = [:]
        for try await (t, s, r) in try await run("summing ICMP rollups", """
            SELECT target, SUM(sent)::bigint, SUM(received)::bigint FROM icmp_rollup
            WHERE resolution_s = 300 AND bucket_s >= \(first) AND bucket_s < \(range.end) GROUP BY target
            """).decode((String, Int, Int).self) { out[t] = (s, r) }
        return out
    }

    public func addTrapRejections(_ counts: [TrapRejectionCount]) async throws {
        guard !counts.isEmpty else { return }
        try await transaction("recording rejected traps") { c in
            for x in counts {
                try await c.query("""
                    INSERT INTO trap_rejection (source, reason, count, first_s, last_s) VALUES (\(x.source), \(x.reason), \(x.count), \(x.first), \(x.last))
                    ON CONFLICT (source, reason) DO UPDATE SET count = trap_rejection.count + excluded.count,
                      last_s = GREATEST(trap_rejection.last_s, excluded.last_s)
                    """, logger: logger)
            }
        }
    }

    public func trapRejections() async throws -> [(source: String, reason: String, count: Int)] {
        var out: [(source: String, reason: String, count: Int)] = []
        for try await (s, r, n) in try await run("reading trap rejections", "SELECT source, reason, count FROM trap_rejection ORDER BY source, reason")
            .decode((String, String, Int).self) { out.append((s, r, n)) }
        return out
    }

    /// The retention policy, as the SQLite store applies it: 5-minute ICMP buckets after
    /// `fineDays`, hourly ones compacted into daily ones after `hourlyDays`, daily ones after
    /// `dailyDays`; link rollups after `fineDays`; optical hours after `opticalDays`; rejected
    /// traps after `trapRejectionDays`. State history is kept (`dropHistory` drops partitions).
    public func prune(_ policy: RetentionPolicy, now: EpochSeconds) async throws -> PruneReport {
        let day = RetentionPolicy.day
        let fineCut = now - Int64(policy.fineDays) * day, hourlyCut = now - Int64(policy.hourlyDays) * day
        let dailyCut = now - Int64(policy.dailyDays) * day, opticalCut = now - Int64(policy.opticalDays) * day
        // The daily rollups the compaction writes land in monthly partitions: make them first.
        var days: [EpochSeconds] = []
        for try await d in try await run("finding hourly rollups to compact", """
            SELECT DISTINCT bucket_s - MOD(bucket_s, 86400) FROM icmp_rollup WHERE resolution_s = 3600 AND bucket_s < \(hourlyCut)
            """).decode(Int64.self) { days.append(d) }
        if !days.isEmpty {
            try await transaction("creating daily rollup partitions") { c in for d in days { try await ensurePartition(.icmpDaily, for: d, on: c) } }
        }
        return try await transaction("pruning old measurements") { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(Self.partitionLock))", logger: logger)
            var report = PruneReport()
            report.deleted["icmp_rollup", default: 0] += try await prune(.icmpFine, before: fineCut, on: c)
            try await c.query("""
                INSERT INTO icmp_rollup (target, resolution_s, bucket_s, rounds, sent, received, rtt_sum_ms, rtt_samples, rtt_min_ms, rtt_max_ms,
                  jitter_sum_ms, jitter_samples)
                SELECT target, 86400, bucket_s - bucket_s % 86400, SUM(rounds), SUM(sent), SUM(received), SUM(rtt_sum_ms), SUM(rtt_samples),
                  MIN(rtt_min_ms), MAX(rtt_max_ms), SUM(jitter_sum_ms), SUM(jitter_samples)
                FROM icmp_rollup WHERE resolution_s = 3600 AND bucket_s < \(hourlyCut) GROUP BY target, bucket_s - bucket_s % 86400
                ON CONFLICT (target, resolution_s, bucket_s) DO UPDATE SET rounds = icmp_rollup.rounds + excluded.rounds,
                  sent = icmp_rollup.sent + excluded.sent, received = icmp_rollup.received + excluded.received,
                  rtt_sum_ms = icmp_rollup.rtt_sum_ms + excluded.rtt_sum_ms, rtt_samples = icmp_rollup.rtt_samples + excluded.rtt_samples,
                  rtt_min_ms = LEAST(icmp_rollup.rtt_min_ms, excluded.rtt_min_ms), rtt_max_ms = GREATEST(icmp_rollup.rtt_max_ms, excluded.rtt_max_ms),
                  jitter_sum_ms = icmp_rollup.jitter_sum_ms + excluded.jitter_sum_ms, jitter_samples = icmp_rollup.jitter_samples + excluded.jitter_samples
                """, logger: logger)
            report.deleted["icmp_rollup", default: 0] += try await prune(.icmpHourly, before: hourlyCut, on: c)
            report.deleted["icmp_rollup", default: 0] += try await prune(.icmpDaily, before: dailyCut, on: c)
            report.deleted["link_rollup", default: 0] += try await prune(.link, before: fineCut, on: c)
            report.deleted["optical_hourly", default: 0] += try await prune(.optical, before: opticalCut, on: c)
            report.deleted["opd_traffic", default: 0] += try await prune(.trafficMinutes, before: fineCut, on: c)
            report.deleted["opd_traffic", default: 0] += try await prune(.trafficHours, before: dailyCut, on: c)
            report.deleted["top_talker", default: 0] += try await prune(.talkers, before: now - policy.topTalkerSeconds, on: c)
            var traps = 0
            for try await _ in try await c.query("DELETE FROM trap_rejection WHERE last_s < \(now - Int64(policy.trapRejectionDays) * day) RETURNING 1",
                                                 logger: logger).decode(Int.self) { traps += 1 }
            report.deleted["trap_rejection", default: 0] += traps
            return report
        }
    }
}
