import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Mirrored traffic per OPD on PostgreSQL (the SQLite store's tables and rules): per minute and
/// per hour, the buckets' top talkers, the capture's latest counters. Partitioned like the other
/// measurements (minutes and talkers by UTC day, hours by month).
extension PostgresStore: TrafficStore {
    /// A batch's traffic, inside its transaction (each minute added into its hour too).
    static func writeTraffic(_ batch: ObservationBatch, on c: PostgresConnection, logger: Logger) async throws {
        if !batch.traffic.isEmpty {
            var sites: [String] = [], res: [Int64] = [], buckets: [Int64] = [], inB: [Int64] = [], outB: [Int64] = [], inP: [Int64] = [], outP: [Int64] = []
            for t in batch.traffic {
                for (r, b) in [(Int64(60), t.bucket), (3600, t.bucket - ((t.bucket % 3600) + 3600) % 3600)] {
                    sites.append(t.site); res.append(r); buckets.append(b)
                    inB.append(t.inBytes); outB.append(t.outBytes); inP.append(t.inPackets); outP.append(t.outPackets)
                }
            }
            // Summed per key first: one row per key in the statement (ON CONFLICT touches a row once).
            try await c.query("""
                INSERT INTO opd_traffic (site, resolution_s, bucket_s, in_bytes, out_bytes, in_packets, out_packets)
                SELECT s, r, b, SUM(i), SUM(o), SUM(ip), SUM(op)
                FROM unnest(\(sites)::text[], \(res)::bigint[], \(buckets)::bigint[], \(inB)::bigint[], \(outB)::bigint[], \(inP)::bigint[],
                            \(outP)::bigint[]) AS x(s, r, b, i, o, ip, op) GROUP BY s, r, b
                ON CONFLICT (site, resolution_s, bucket_s) DO UPDATE SET in_bytes = opd_traffic.in_bytes + excluded.in_bytes,
                  out_bytes = opd_traffic.out_bytes + excluded.out_bytes, in_packets = opd_traffic.in_packets + excluded.in_packets,
                  out_packets = opd_traffic.out_packets + excluded.out_packets
                """, logger: logger)
        }
        if !batch.talkers.isEmpty {
            let t = batch.talkers
            try await c.query("""
                INSERT INTO top_talker (bucket_s, source, destination, proto, port, bytes)
                SELECT * FROM unnest(\(t.map(\.bucket))::bigint[], \(t.map(\.source))::text[], \(t.map(\.destination))::text[],
                                     \(t.map { Int32($0.proto) })::int[], \(t.map { Int32($0.port) })::int[], \(t.map(\.bytes))::bigint[])
                """, logger: logger)
        }
        if let s = batch.capture {
            try await c.query("""
                INSERT INTO capture_stats (interface, at_s, received, dropped, if_dropped, unattributed, non_ip)
                VALUES (\(s.interface), \(batch.at), \(Int64(s.received)), \(Int64(s.dropped)), \(Int64(s.interfaceDropped)), \(Int64(s.unattributed)), \(Int64(s.nonIP)))
                ON CONFLICT (interface) DO UPDATE SET at_s = excluded.at_s, received = excluded.received, dropped = excluded.dropped,
                  if_dropped = excluded.if_dropped, unattributed = excluded.unattributed, non_ip = excluded.non_ip
                """, logger: logger)
        }
    }

    public func opdTraffic(_ range: TimeRange, resolution: Int64, sites: [String]?) async throws -> [OPDTrafficSample] {
        let rows = try await run("reading per-OPD traffic", """
            SELECT site, bucket_s, in_bytes, out_bytes, in_packets, out_packets FROM opd_traffic
            WHERE resolution_s = \(resolution) AND bucket_s >= \(range.start) AND bucket_s < \(range.end) ORDER BY bucket_s, site
            """)
        var out: [OPDTrafficSample] = []
        for try await (site, bucket, i, o, ip, op) in rows.decode((String, Int64, Int64, Int64, Int64, Int64).self) {
            if let sites, !sites.contains(site) { continue }
            var s = OPDTrafficSample(site: site, bucket: bucket)
            s.inBytes = i
            s.outBytes = o
            s.inPackets = ip
            s.outPackets = op
            out.append(s)
        }
        return out
    }

    public func topTalkers(_ range: TimeRange) async throws -> [TalkerSample] {
        let rows = try await run("reading top talkers", """
            SELECT bucket_s, source, destination, proto, port, bytes FROM top_talker
            WHERE bucket_s >= \(range.start) AND bucket_s < \(range.end) ORDER BY bytes DESC, bucket_s
            """)
        var out: [TalkerSample] = []
        for try await (b, s, d, p, port, bytes) in rows.decode((Int64, String, String, Int32, Int32, Int64).self) {
            out.append(TalkerSample(bucket: b, source: s, destination: d, proto: UInt8(truncatingIfNeeded: p), port: UInt16(truncatingIfNeeded: port),
                                    bytes: bytes))
        }
        return out
    }

    public func captureStatistics() async throws -> [(at: EpochSeconds, stats: CaptureStatistics)] {
        let rows = try await run("reading capture statistics", """
            SELECT interface, at_s, received, dropped, if_dropped, unattributed, non_ip FROM capture_stats ORDER BY interface
            """)
        var out: [(at: EpochSeconds, stats: CaptureStatistics)] = []
        for try await (name, at, r, d, ifd, u, n) in rows.decode((String, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            var c = CaptureStatistics(interface: name)
            c.received = .init(r)
            c.dropped = .init(d)
            c.interfaceDropped = .init(ifd)
            c.unattributed = .init(u)
            c.nonIP = .init(n)
            out.append((at, c))
        }
        return out
    }
}
