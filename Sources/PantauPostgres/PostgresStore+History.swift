import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

extension PostgresStore: SessionStore, HistoryStore {
    /// Claims this engine id on this host for the life of the process (a lock file in the
    /// temporary directory, released by the kernel however the process ends). Two hosts running
    /// the same engine id are not detected yet.
    public nonisolated func claimEngine() throws -> EngineClaim {
        let safe = "\(location.host)-\(location.port)-\(location.database)-\(engine)".map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        return try EngineClaim.lock(FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(String(safe)).engine.lock").path,
                                    subject: "\(location) engine \(engine)")
    }

    /// Closes this engine's sessions left open by a crash at their last heartbeat (other
    /// engines' sessions are theirs: they are alive or will recover themselves).
    public func recoverCrashedSessions() async throws -> RecoveryReport {
        try await transaction("closing sessions left open by a crash") { c in
            var report = RecoveryReport()
            let rows = try await c.query("""
                SELECT id, last_seen_s FROM source WHERE kind = 'engine' AND engine = \(engine) AND ended_s IS NULL FOR UPDATE
                """, logger: logger)
            var open: [(Int64, Int64)] = []
            for try await (id, seen) in rows.decode((Int64, Int64).self) { open.append((id, seen)) }
            for (id, seen) in open {
                report.intervals += try await Self.closeIntervals(of: id, at: seen, on: c, logger: logger)
                try await c.query("UPDATE source SET ended_s = last_seen_s, end_reason = 'crash-recovered' WHERE id = \(id)", logger: logger)
                report.sessions.append(id)
            }
            return report
        }
    }

    public func beginSource(_ source: ObservationSource, at now: EpochSeconds, detail: EngineDetail) async throws -> EngineSession {
        try await transaction("starting the \(source) session") { c in
            // What the previous session of this source held in force is not known any more.
            try await c.query("DELETE FROM degradation WHERE engine = \(source.engine) AND prober = \(source.prober.rawValue)", logger: logger)
            let rows = try await c.query("""
                INSERT INTO source (kind, engine, prober, started_s, last_seen_s, detail)
                VALUES ('engine', \(source.engine), \(source.prober.rawValue), \(now), \(now), \(detail.encoded)) RETURNING id
                """, logger: logger)
            var id: Int64 = 0
            for try await x in rows.decode(Int64.self) { id = x }
            return EngineSession(id: id, startedAt: now, source: source)
        }
    }

    public func endSource(_ session: EngineSession, at: EpochSeconds, reason: String) async throws {
        try await transaction("ending the \(session.source) session") { c in
            _ = try await Self.closeIntervals(of: session.id, at: at, on: c, logger: logger)
            try await c.query("""
                UPDATE source SET ended_s = \(at), last_seen_s = GREATEST(last_seen_s, \(at)), end_reason = \(reason) WHERE id = \(session.id)
                """, logger: logger)
        }
    }

    /// The latest session of every prober of every engine (the same answer as the SQLite store).
    public func sourceHealth() async throws -> [SourceHealth] {
        let rows = try await run("reading the source sessions", """
            SELECT id, prober, engine, started_s, last_seen_s, ended_s, end_reason, cycle, detail FROM source
            WHERE kind = 'engine' AND prober IS NOT NULL
              AND id IN (SELECT MAX(id) FROM source WHERE kind = 'engine' AND prober IS NOT NULL GROUP BY prober, engine)
            ORDER BY engine, prober
            """)
        var out: [SourceHealth] = []
        for try await (id, prober, engine, started, seen, ended, reason, cycle, detail)
            in rows.decode((Int64, String, String, Int64, Int64, Int64?, String?, String?, String?).self) {
            out.append(SourceHealth(session: id, prober: prober, engine: engine, startedAt: started, lastSeen: seen, endedAt: ended, endReason: reason,
                                    cycle: cycle.flatMap { try? JSONDecoder().decode(CycleReport.self, from: Data($0.utf8)) },
                                    notice: EngineDetail.notice(inEncoded: detail)))
        }
        return out
    }

    /// Nothing to check beyond the connection: a query that fails says why.
    public nonisolated func checkIntegrity() throws {}

    /// Records one source's batch in one transaction: state changes, heartbeat, cycle, the last
    /// ICMP round and its rollups, link readings, optical power and mirrored traffic per OPD.
    public func record(_ batch: ObservationBatch, session: EngineSession) async throws {
        try await prepare(batch)
        try await transaction("recording the \(batch.source) cycle") { c in try await Self.write(batch, session: session.id, on: c, logger: logger) }
    }

    /// The partitions a batch lands in, created first in their own short transactions.
    func prepare(_ batch: ObservationBatch) async throws {
        for c in batch.stateChanges where c.state != .unknown { try await ensurePartitionOutside(c.since) }
        try await ensureSamplePartitions(batch)
    }

    /// Everything of one batch, inside the caller's transaction (a live write or a replayed one):
    /// state changes, heartbeat and cycle, the last ICMP round and its rollups, link readings,
    /// optical power, mirrored traffic, degradations, and the notification the correlator waits for.
    static func write(_ batch: ObservationBatch, session: Int64, on c: PostgresConnection, logger: Logger) async throws {
        try await c.query("SELECT pg_advisory_xact_lock_shared(\(partitionLock))", logger: logger)
        let cycle = try batch.cycle.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let changes = batch.stateChanges
        for ch in changes { try await apply(ch, session: session, on: c, logger: logger) }
        let degradations = try await writeDegradations(batch, on: c, logger: logger)
        if !changes.isEmpty || degradations || batch.ended {
            // The correlator listens: woken at commit, it reads the combined states.
            try await c.query("SELECT pg_notify('pantau_observation', \(batch.source.engine))", logger: logger)
        }
        try await c.query("""
            UPDATE source SET last_seen_s = GREATEST(last_seen_s, \(batch.at)), cycle = COALESCE(\(cycle), cycle) WHERE id = \(session)
            """, logger: logger)
        try await writeProbeLast(batch.icmpSamples, on: c, logger: logger)
        try await writeICMPRollups(batch.icmpSamples, on: c, logger: logger)
        try await writeLinks(batch.linkSamples, optical: batch.optical, on: c, logger: logger)
        try await writeTraffic(batch, on: c, logger: logger)
        if batch.ended {
            _ = try await closeIntervals(of: session, at: batch.at, on: c, logger: logger)
            try await c.query("UPDATE source SET ended_s = \(batch.at), end_reason = 'stopped' WHERE id = \(session)", logger: logger)
        }
    }

    /// The last ICMP round per site, all of a batch in one statement (arrays unnested; NaN and ""
    /// stand for a missing RTT, jitter or note). The latest sample per site wins.
    static func writeProbeLast(_ samples: [ProbeSample], on c: PostgresConnection, logger: Logger) async throws {
        guard !samples.isEmpty else { return }
        var latest: [String: ProbeSample] = [:]
        for s in samples where (latest[s.target]?.at ?? .min) <= s.at { latest[s.target] = s }
        let rows = latest.values.sorted { $0.target < $1.target }
        let targets = rows.map(\.target), ats = rows.map(\.at), sent = rows.map { Int32($0.sent) }, received = rows.map { Int32($0.received) }
        let rtt = rows.map { $0.rttAvgMs ?? .nan }, jitter = rows.map { $0.jitterMs ?? .nan }, notes = rows.map { $0.note ?? "" }
        try await c.query("""
            INSERT INTO probe_last (target, at_s, sent, received, rtt_avg_ms, jitter_ms, note)
            SELECT t, a, s, r, NULLIF(rtt, 'NaN'), NULLIF(j, 'NaN'), NULLIF(n, '')
            FROM unnest(\(targets)::text[], \(ats)::bigint[], \(sent)::int[], \(received)::int[], \(rtt)::float8[], \(jitter)::float8[], \(notes)::text[])
              AS u(t, a, s, r, rtt, j, n)
            ON CONFLICT (target) DO UPDATE SET at_s = excluded.at_s, sent = excluded.sent, received = excluded.received,
              rtt_avg_ms = excluded.rtt_avg_ms, jitter_ms = excluded.jitter_ms, note = excluded.note
            """, logger: logger)
    }

    /// This source's degradations in force (set or cleared by the batch; a new session of the
    /// source starts with none). True when any changed.
    static func writeDegradations(_ batch: ObservationBatch, on c: PostgresConnection, logger: Logger) async throws -> Bool {
        var changed = false
        let engine = batch.source.engine, prober = batch.source.prober.rawValue
        for o in batch.observations {
            guard case .degradation(let reason) = o.what else { continue }
            changed = true
            if let reason {
                try await c.query("""
                    INSERT INTO degradation (element, engine, prober, reason, since_s) VALUES (\(o.element), \(engine), \(prober), \(reason), \(o.since))
                    ON CONFLICT (element, engine, prober) DO UPDATE SET reason = excluded.reason, since_s = LEAST(degradation.since_s, excluded.since_s)
                    """, logger: logger)
            } else {
                try await c.query("DELETE FROM degradation WHERE element = \(o.element) AND engine = \(engine) AND prober = \(prober)", logger: logger)
            }
        }
        return changed
    }

    /// Partition DDL in its own short transaction, so a batch's transaction only writes rows.
    func ensurePartitionOutside(_ t: EpochSeconds) async throws {
        guard !knownPartitions.contains(PartitionedTable.history.partition(of: t).name) else { return }
        try await transaction("creating the history partition for \(t)") { c in try await ensurePartition(.history, for: t, on: c) }
    }

    static func apply(_ ch: StateChange, session: Int64, on c: PostgresConnection, logger: Logger) async throws {
        let rows = try await c.query("""
            SELECT id, from_s FROM state_interval WHERE target = \(ch.target) AND source_id = \(session) AND to_s IS NULL
            """, logger: logger)
        var open: (Int64, Int64)?
        for try await x in rows.decode((Int64, Int64).self) { open = x }
        if let (id, from) = open {
            if ch.since > from {
                try await c.query("UPDATE state_interval SET to_s = \(ch.since) WHERE id = \(id) AND from_s = \(from)", logger: logger)
            } else {
                try await c.query("DELETE FROM state_interval WHERE id = \(id) AND from_s = \(from)", logger: logger)
            }
        }
        guard ch.state != .unknown else { return }
        try await c.query("""
            INSERT INTO state_interval (target, state, from_s, to_s, source_id) VALUES (\(ch.target), \(ch.state.rawValue), \(ch.since), NULL, \(session))
            """, logger: logger)
    }

    static func closeIntervals(of session: Int64, at: EpochSeconds, on c: PostgresConnection, logger: Logger) async throws -> Int {
        var closed = 0
        let rows = try await c.query("""
            UPDATE state_interval SET to_s = \(at) WHERE source_id = \(session) AND to_s IS NULL AND from_s < \(at) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { closed += 1 }
        try await c.query("DELETE FROM state_interval WHERE source_id = \(session) AND to_s IS NULL", logger: logger)
        return closed
    }

    /// Recorded intervals overlapping `range`, per target, open ones ended at their source's end
    /// or last heartbeat, clipped to `range` (the same contract as the SQLite store).
    public func history(overlapping range: TimeRange, targets: [String]?) async throws -> [String: [StateInterval]] {
        let rows: PostgresRowSequence
        if let targets {
            rows = try await run("reading state history", """
                SELECT i.target, i.state, i.from_s, COALESCE(i.to_s, s.ended_s, s.last_seen_s), s.engine FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.from_s < \(range.end) AND COALESCE(i.to_s, s.ended_s, s.last_seen_s) > \(range.start) AND i.target = ANY(\(targets))
                ORDER BY i.target, i.from_s
                """)
        } else {
            rows = try await run("reading state history", """
                SELECT i.target, i.state, i.from_s, COALESCE(i.to_s, s.ended_s, s.last_seen_s), s.engine FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.from_s < \(range.end) AND COALESCE(i.to_s, s.ended_s, s.last_seen_s) > \(range.start)
                ORDER BY i.target, i.from_s
                """)
        }
        // Per target, per engine: each engine's intervals are disjoint; several engines watching
        // one target are combined by the vantage rule (up while any says up).
        var byEngine: [String: [String: [StateInterval]]] = [:]
        for try await (target, state, from, end, engine) in rows.decode((String, String, Int64, Int64, String).self) {
            let r = TimeRange(from, end).clamped(to: range)
            guard !r.isEmpty, let st = TargetState(rawValue: state) else { continue }
            byEngine[target, default: [:]][engine, default: []].append(StateInterval(target: target, state: st, range: r))
        }
        return byEngine.mapValues { engines in engines.count == 1 ? engines.first!.value : [] }
            .merging(byEngine.filter { $0.value.count > 1 }.map { ($0.key, Vantage.merge(target: $0.key, Array($0.value.values))) }) { _, b in b }
    }

    /// The state of every target now, across every engine that watches it (`Vantage.current`):
    /// **up** when a live session heard since the latest "down" began says up, **down** only when
    /// every live session that holds a state says down (since the latest of those), and when no
    /// live session holds one, unknown from the end of the latest recorded interval (an engine
    /// that died never makes a site down). Live: not ended and (when `liveWithin` is set) heard
    /// within that many seconds. With one engine this is the SQLite store's answer.
    public func currentStatus() async throws -> [String: TargetStatus] {
        var out: [String: TargetStatus] = [:]
        for (target, v) in try await liveStates() {
            out[target] = TargetStatus(target: target, state: v.state, since: v.since, lastSeen: v.lastSeen, sessionEnded: false, lastProbeAt: nil,
                                       rttMs: nil, lossPct: nil, jitterMs: nil)
        }
        let latest = try await run("reading current status", """
            SELECT DISTINCT ON (i.target) i.target, i.state, i.from_s, i.to_s, s.last_seen_s, s.ended_s
            FROM state_interval i JOIN source s ON s.id = i.source_id ORDER BY i.target, COALESCE(i.to_s, s.ended_s, s.last_seen_s) DESC, i.id DESC
            """)
        for try await (target, _, _, to, seen, ended) in latest.decode((String, String, Int64, Int64?, Int64, Int64?).self) where out[target] == nil {
            out[target] = TargetStatus(target: target, state: .unknown, since: to ?? ended ?? seen, lastSeen: seen, sessionEnded: ended != nil,
                                       lastProbeAt: nil, rttMs: nil, lossPct: nil, jitterMs: nil)
        }
        let probes = try await run("reading the last probe rounds", "SELECT target, at_s, sent, received, rtt_avg_ms, jitter_ms, note FROM probe_last")
        for try await (target, at, sent, recv, rtt, jitter, note) in probes.decode((String, Int64, Int, Int, Double?, Double?, String?).self) {
            var st = out[target] ?? TargetStatus(target: target, state: .unknown, since: nil, lastSeen: nil, sessionEnded: true,
                                                 lastProbeAt: nil, rttMs: nil, lossPct: nil, jitterMs: nil)
            st.lastProbeAt = at
            st.rttMs = rtt
            st.lossPct = sent == 0 ? nil : Double(sent - recv) * 100 / Double(sent)
            st.jitterMs = jitter
            st.note = note
            out[target] = st
        }
        return out
    }

    /// The combined state of every target some live session holds one for (`Vantage.current`):
    /// one query over the open intervals only (an index), whatever the size of the history.
    func liveStates() async throws -> [String: (state: TargetState, since: EpochSeconds, lastSeen: EpochSeconds)] {
        var live: [String: [(state: String, from: Int64, seen: Int64)]] = [:]
        let open = try await run("reading current status", """
            SELECT i.target, i.state, i.from_s, s.last_seen_s FROM state_interval i JOIN source s ON s.id = i.source_id
            WHERE i.to_s IS NULL AND s.ended_s IS NULL
            """)
        for try await (target, state, from, seen) in open.decode((String, String, Int64, Int64).self) { live[target, default: []].append((state, from, seen)) }
        // A session not heard for `liveWithin` seconds is an engine that died or is cut off from
        // the centre: it holds no vote (its spool brings its view later, with the true times).
        let heardSince = liveWithin.map { EpochSeconds(Date().timeIntervalSince1970) - $0 } ?? .min
        var out: [String: (state: TargetState, since: EpochSeconds, lastSeen: EpochSeconds)] = [:]
        for (target, views) in live {
            let votes = views.filter { $0.seen >= heardSince }.compactMap { v in
                TargetState(rawValue: v.state).map { Vantage.Vote(state: $0, since: v.from, heardAt: v.seen) }
            }
            if let (state, since) = Vantage.current(votes) { out[target] = (state, since, views.map(\.seen).max() ?? since) }
        }
        return out
    }

    /// Imports history rows in one transaction (`ImportRules`: rows identical to an earlier
    /// import are skipped; a row in the future, overlapping another row of the file or any
    /// recorded interval of its target refuses the whole import).
    public func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds, timeZone: TimeZone) async throws -> ImportOutcome {
        try ImportRules.checkFile(rows, file: file, now: now, timeZone: timeZone)
        for row in rows { try await ensurePartitionOutside(row.range.start) }
        return try await transaction("importing history") { c in
            var fresh: [HistoryRow] = [], present = 0, problems: [Diagnostic] = []
            for (target, sorted, span) in ImportRules.byTarget(rows) {
                let stored = try await c.query("""
                    SELECT i.state, i.from_s, COALESCE(i.to_s, s.ended_s, GREATEST(s.last_seen_s, \(now))), s.kind, s.id FROM state_interval i
                    JOIN source s ON s.id = i.source_id
                    WHERE i.target = \(target) AND i.from_s < \(span.end) AND COALESCE(i.to_s, s.ended_s, GREATEST(s.last_seen_s, \(now))) > \(span.start)
                    ORDER BY i.from_s
                    """, logger: logger)
                var existing: [ImportRules.Stored] = []
                for try await (state, from, end, kind, sid) in stored.decode((String, Int64, Int64, String, Int64).self) {
                    existing.append(ImportRules.Stored(state: state, from: from, end: end, kind: kind, source: sid))
                }
                let r = ImportRules.classify(sorted, stored: existing, file: file, timeZone: timeZone)
                fresh += r.fresh
                present += r.present
                problems += r.problems
            }
            if !problems.isEmpty { throw ImportErrors(diagnostics: problems.sorted()) }
            guard !fresh.isEmpty else { return ImportOutcome(added: 0, alreadyPresent: present) }
            let ids = try await c.query("""
                INSERT INTO source (kind, engine, started_s, last_seen_s, ended_s, end_reason, detail)
                VALUES ('import', \(engine), \(now), \(now), \(now), 'imported', \(file)) RETURNING id
                """, logger: logger)
            var sid: Int64 = 0
            for try await x in ids.decode(Int64.self) { sid = x }
            for row in fresh {
                try await c.query("""
                    INSERT INTO state_interval (target, state, from_s, to_s, source_id)
                    VALUES (\(row.target), \(row.state.rawValue), \(row.range.start), \(row.range.end), \(sid))
                    """, logger: logger)
            }
            try await c.query("""
                INSERT INTO import_file (source_id, path, rows_added, rows_already_present, imported_s)
                VALUES (\(sid), \(file), \(fresh.count), \(present), \(now))
                """, logger: logger)
            return ImportOutcome(added: fresh.count, alreadyPresent: present)
        }
    }
}
