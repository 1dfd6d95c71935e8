import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Per-OPD traffic (per bucket and added into its hour), top talkers, the capture's counters.
    static func writeTraffic(_ traffic: [OPDTrafficSample], talkers: [TalkerSample], capture: CaptureStatistics?, at: EpochSeconds,
                             db: Database) throws {
        if !traffic.isEmpty {
            let add = try db.cachedStatement(sql: """
                INSERT INTO opd_traffic (site, resolution_s, bucket_s, in_bytes, out_bytes, in_packets, out_packets)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(site, resolution_s, bucket_s) DO UPDATE SET in_bytes = in_bytes + excluded.in_bytes,
                  out_bytes = out_bytes + excluded.out_bytes, in_packets = in_packets + excluded.in_packets,
                  out_packets = out_packets + excluded.out_packets
                """)
            for t in traffic {
                try add.execute(arguments: [t.site, 60, t.bucket, t.inBytes, t.outBytes, t.inPackets, t.outPackets])
                try add.execute(arguments: [t.site, 3600, t.bucket - ((t.bucket % 3600) + 3600) % 3600, t.inBytes, t.outBytes,
                                            t.inPackets, t.outPackets])
            }
        }
        if !talkers.isEmpty {
            let ins = try db.cachedStatement(sql: "INSERT INTO top_talker (bucket_s, source, destination, proto, port, bytes) VALUES (?, ?, ?, ?, ?, ?)")
            for t in talkers { try ins.execute(arguments: [t.bucket, t.source, t.destination, Int(t.proto), Int(t.port), t.bytes]) }
        }
        if let c = capture {
            try db.execute(sql: """
                INSERT INTO capture_stats (interface, at_s, received, dropped, if_dropped, unattributed, non_ip) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(interface) DO UPDATE SET at_s = excluded.at_s, received = excluded.received, dropped = excluded.dropped,
                  if_dropped = excluded.if_dropped, unattributed = excluded.unattributed, non_ip = excluded.non_ip
                """, arguments: [c.interface, at, c.received, c.dropped, c.interfaceDropped, c.unattributed, c.nonIP])
        }
    }

    /// Per-OPD traffic in `range` at `resolution` (60: per minute, 3600: per hour), oldest first.
    public func opdTraffic(_ range: TimeRange, resolution: Int64 = 60, sites: [String]? = nil) async throws -> [OPDTrafficSample] {
        try await read("reading per-OPD traffic") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT site, bucket_s, in_bytes, out_bytes, in_packets, out_packets FROM opd_traffic
                WHERE resolution_s = ? AND bucket_s >= ? AND bucket_s < ? ORDER BY bucket_s, site
                """, arguments: [resolution, range.start, range.end])
            return rows.compactMap { r -> OPDTrafficSample? in
                let site: String = r["site"]
                if let sites, !sites.contains(site) { return nil }
                var s = OPDTrafficSample(site: site, bucket: r["bucket_s"])
                s.inBytes = r["in_bytes"]
                s.outBytes = r["out_bytes"]
                s.inPackets = r["in_packets"]
                s.outPackets = r["out_packets"]
                return s
            }
        }
    }

    /// Top talkers of the buckets in `range`, most bytes first.
    public func topTalkers(_ range: TimeRange) async throws -> [TalkerSample] {
        try await read("reading top talkers") { db in
            try Row.fetchAll(db, sql: """
                SELECT bucket_s, source, destination, proto, port, bytes FROM top_talker
                WHERE bucket_s >= ? AND bucket_s < ? ORDER BY bytes DESC, bucket_s
                """, arguments: [range.start, range.end]).map {
                TalkerSample(bucket: $0["bucket_s"], source: $0["source"], destination: $0["destination"],
                             proto: UInt8(truncatingIfNeeded: $0["proto"] as Int), port: UInt16(truncatingIfNeeded: $0["port"] as Int), bytes: $0["bytes"])
            }
        }
    }

    /// The capture's latest counters per interface, with when they were written.
    public func captureStatistics() async throws -> [(at: EpochSeconds, stats: CaptureStatistics)] {
        try await read("reading capture statistics") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM capture_stats ORDER BY interface").map { r in
                var c = CaptureStatistics(interface: r["interface"])
                c.received = r["received"]
                c.dropped = r["dropped"]
                c.interfaceDropped = r["if_dropped"]
                c.unattributed = r["unattributed"]
                c.nonIP = r["non_ip"]
                return (r["at_s"], c)
            }
        }
    }
}
