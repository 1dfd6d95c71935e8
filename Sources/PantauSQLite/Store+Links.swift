import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Link samples: the latest per link, 5-minute traffic rollups, hourly optical averages.
    static func writeLinks(_ samples: [LinkSample], optical: [OpticalSample], db: Database) throws {
        guard !samples.isEmpty || !optical.isEmpty else { return }
        let last = try db.cachedStatement(sql: """
            INSERT INTO link_last (target, at_s, in_bps, out_bps, utilisation_pct, rx_dbm, tx_dbm, optical_level, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(target) DO UPDATE SET at_s = excluded.at_s, in_bps = excluded.in_bps, out_bps = excluded.out_bps,
              utilisation_pct = excluded.utilisation_pct, rx_dbm = excluded.rx_dbm, tx_dbm = excluded.tx_dbm,
              optical_level = excluded.optical_level, detail = excluded.detail
            """)
        let rollup = try db.cachedStatement(sql: """
            INSERT INTO link_rollup (target, bucket_s, polls, in_bps_sum, in_samples, in_bps_max, out_bps_sum, out_samples, out_bps_max)
            VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(target, bucket_s) DO UPDATE SET polls = polls + 1,
              in_bps_sum = in_bps_sum + excluded.in_bps_sum, in_samples = in_samples + excluded.in_samples,
              in_bps_max = MAX(COALESCE(in_bps_max, excluded.in_bps_max), COALESCE(excluded.in_bps_max, in_bps_max)),
              out_bps_sum = out_bps_sum + excluded.out_bps_sum, out_samples = out_samples + excluded.out_samples,
              out_bps_max = MAX(COALESCE(out_bps_max, excluded.out_bps_max), COALESCE(excluded.out_bps_max, out_bps_max))
            """)
        for s in samples {
            try last.execute(arguments: [s.target, s.at, s.inBps, s.outBps, s.utilisationPct, s.rxDbm, s.txDbm, s.opticalLevel, s.detail])
            guard s.inBps != nil || s.outBps != nil else { continue }
            let bucket = s.at - ((s.at % 300) + 300) % 300
            try rollup.execute(arguments: [s.target, bucket, s.inBps ?? 0, s.inBps == nil ? 0 : 1, s.inBps,
                                           s.outBps ?? 0, s.outBps == nil ? 0 : 1, s.outBps])
        }
        let hourly = try db.cachedStatement(sql: """
            INSERT INTO optical_hourly (port, bucket_s, rx_sum, samples, rx_min) VALUES (?, ?, ?, 1, ?)
            ON CONFLICT(port, bucket_s) DO UPDATE SET rx_sum = rx_sum + excluded.rx_sum, samples = samples + 1,
              rx_min = MIN(rx_min, excluded.rx_min)
            """)
        for o in optical {
            let bucket = o.at - ((o.at % 3600) + 3600) % 3600
            try hourly.execute(arguments: [o.port, bucket, o.rxDbm, o.rxDbm])
        }
    }

    /// The median of a port's hourly rx averages since `since` (nil without at least 3 hours).
    public func opticalBaseline(port: String, since: EpochSeconds) async throws -> Double? {
        try await read("reading the optical baseline") { db in
            let values = try Double.fetchAll(db, sql: """
                SELECT rx_sum / samples FROM optical_hourly WHERE port = ? AND bucket_s >= ? ORDER BY 1
                """, arguments: [port, since])
            guard values.count >= 3 else { return nil }
            let mid = values.count / 2
            return values.count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
        }
    }

    public func linkLast() async throws -> [String: LinkLast] {
        try await read("reading the latest link measurements") { db in
            var out: [String: LinkLast] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT * FROM link_last") {
                let t: String = r["target"]
                out[t] = LinkLast(target: t, at: r["at_s"], inBps: r["in_bps"], outBps: r["out_bps"],
                                  utilisationPct: r["utilisation_pct"], rxDbm: r["rx_dbm"], txDbm: r["tx_dbm"],
                                  opticalLevel: r["optical_level"], detail: r["detail"])
            }
            return out
        }
    }

    /// Adds a minute's summary of rejected traps (counted in memory by the receiver, so a flood
    /// costs one write a minute, not one per trap).
    public func addTrapRejections(_ counts: [TrapRejectionCount]) async throws {
        guard !counts.isEmpty else { return }
        try await write("recording rejected traps") { db in
            let st = try db.cachedStatement(sql: """
                INSERT INTO trap_rejection (source, reason, count, first_s, last_s) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(source, reason) DO UPDATE SET count = count + excluded.count, last_s = MAX(last_s, excluded.last_s)
                """)
            for c in counts { try st.execute(arguments: [c.source, c.reason, c.count, c.first, c.last]) }
        }
    }

    public func trapRejections() async throws -> [(source: String, reason: String, count: Int)] {
        try await read("reading trap rejections") { db in
            try Row.fetchAll(db, sql: "SELECT source, reason, count FROM trap_rejection ORDER BY source, reason").map {
                ($0["source"], $0["reason"], $0["count"])
            }
        }
    }
}

