import Foundation
import Logging
import PantauCore
import PantauStoreKit
import PostgresNIO

/// The store protocols on PostgreSQL, for several engines writing to one central store. State
/// history is partitioned by month (declarative range partitioning on `from_s`), so retention
/// drops whole partitions instead of deleting rows. Each engine's sessions carry its id: one
/// engine's crash recovery never touches another engine's live sessions.
///
/// One connection. Every transaction and every statement holds `exclusive` (an `AsyncLock`)
/// while it talks to the connection: the actor alone would not do, since it is reentrant and
/// another call runs whenever a transaction awaits, which would put its statements between
/// someone else's `BEGIN` and `COMMIT`.
public actor PostgresStore {
    public nonisolated let location: PostgresLocation
    /// The engine this process writes as (`--engine`); sessions and crash recovery are per engine.
    public nonisolated let engine: String
    let connection: PostgresConnection
    /// How to open another connection (the notification listener has its own).
    nonisolated let configuration: PostgresConnection.Configuration
    let logger: Logger
    /// Held across each transaction and statement on `connection` (see the type's note).
    nonisolated let exclusive = AsyncLock()
    /// Partitions known to exist, by name (created on demand before a row lands in them).
    var knownPartitions: Set<String> = []
    /// Seconds after its last heartbeat that an engine's session still votes on a target's
    /// current state (nil: while it is not ended). The correlator and `status` set it.
    public private(set) var liveWithin: Int64?

    /// Three heartbeats of a one-minute cycle: how long `status` and the correlator let a silent
    /// engine vote by default.
    public static let defaultLiveWithin: Int64 = 180

    /// Sets how long a silent engine still votes (`liveWithin`).
    public func setLiveWithin(_ seconds: Int64?) { liveWithin = seconds }

    init(location: PostgresLocation, engine: String, connection: PostgresConnection, configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.location = location
        self.engine = engine
        self.connection = connection
        self.logger = logger
    }

    /// Connects, and brings the schema up to date (each migration once, in a transaction,
    /// serialised between processes by an advisory lock).
    public static func open(_ location: PostgresLocation, engine: String = "local", logger: Logger = Logger(label: "pantau.postgres"),
                            connectTimeout: Int64 = 10, migrationsUpTo: Int? = nil) async throws -> PostgresStore {
        var config = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                      password: location.password?.reveal(), database: location.database, tls: .disable)
        config.options.connectTimeout = .seconds(connectTimeout)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        } catch {
            throw PantauError(.storage, operation: "connecting to the store", subject: location.description, message: Self.describe(error))
        }
        let store = PostgresStore(location: location, engine: engine, connection: connection, configuration: config, logger: logger)
        do { try await store.migrate(upTo: migrationsUpTo) } catch {
            await store.close()
            throw error
        }
        return store
    }

    deinit {
        // A store dropped without close() (an error path) still closes its connection.
        let future: EventLoopFuture<Void> = connection.close()
        _ = future
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }

    // MARK: running SQL

    /// Runs `body` in one transaction, with the error named after `operation`.
    func transaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await exclusive.withLock { try await unlockedTransaction(operation, body) }
    }

    private func unlockedTransaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        } catch let e as PantauError { throw e } catch let e as ImportErrors { throw e } catch {
            throw PantauError(.storage, operation: operation, subject: location.description, message: Self.describe(error))
        }
    }

    /// Runs one statement outside an explicit transaction (sent while no transaction is open:
    /// the connection answers statements in the order they were sent).
    func run(_ operation: String, _ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await exclusive.withLock {
            do { return try await connection.query(query, logger: logger) } catch {
                throw PantauError(.storage, operation: operation, subject: location.description, message: Self.describe(error))
            }
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m + (e.serverInfo?[.detail].map { " (\($0))" } ?? "") }
            return "\(e.code)"
        }
        return "\(error)"
    }

    // MARK: schema

    /// The migrations, in order; each runs once.
    static let migrations: [(version: Int, sql: String)] = [
        (1, """
            CREATE TABLE source (
              id BIGSERIAL PRIMARY KEY,
              kind TEXT NOT NULL CHECK (kind IN ('engine', 'import')),
              engine TEXT NOT NULL,
              prober TEXT,
              started_s BIGINT NOT NULL,
              last_seen_s BIGINT NOT NULL,
              ended_s BIGINT,
              end_reason TEXT,
              detail TEXT NOT NULL,
              cycle TEXT
            );
            CREATE INDEX source_open ON source (engine) WHERE ended_s IS NULL;
            CREATE TABLE state_interval (
              id BIGSERIAL,
              target TEXT NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('up', 'down', 'unknown')),
              from_s BIGINT NOT NULL,
              to_s BIGINT CHECK (to_s IS NULL OR to_s > from_s),
              source_id BIGINT NOT NULL REFERENCES source(id),
              PRIMARY KEY (id, from_s)
            ) PARTITION BY RANGE (from_s);
            CREATE INDEX state_interval_by_target ON state_interval (target, from_s);
            CREATE INDEX state_interval_open ON state_interval (source_id) WHERE to_s IS NULL;
            CREATE TABLE probe_last (
              target TEXT PRIMARY KEY,
              at_s BIGINT NOT NULL,
              sent INTEGER NOT NULL,
              received INTEGER NOT NULL,
              rtt_avg_ms DOUBLE PRECISION,
              jitter_ms DOUBLE PRECISION,
              note TEXT
            );
            CREATE TABLE import_file (
              id BIGSERIAL PRIMARY KEY,
              source_id BIGINT NOT NULL REFERENCES source(id),
              path TEXT NOT NULL,
              rows_added INTEGER NOT NULL,
              rows_already_present INTEGER NOT NULL,
              imported_s BIGINT NOT NULL
            );
            """),
        (2, """
            CREATE TABLE icmp_rollup (
              target TEXT NOT NULL, resolution_s BIGINT NOT NULL, bucket_s BIGINT NOT NULL,
              rounds INTEGER NOT NULL, sent INTEGER NOT NULL, received INTEGER NOT NULL,
              rtt_sum_ms DOUBLE PRECISION NOT NULL, rtt_samples INTEGER NOT NULL,
              rtt_min_ms DOUBLE PRECISION, rtt_max_ms DOUBLE PRECISION,
              jitter_sum_ms DOUBLE PRECISION NOT NULL, jitter_samples INTEGER NOT NULL,
              PRIMARY KEY (target, resolution_s, bucket_s)
            );
            CREATE TABLE link_last (
              target TEXT PRIMARY KEY, at_s BIGINT NOT NULL,
              in_bps DOUBLE PRECISION, out_bps DOUBLE PRECISION, utilisation_pct DOUBLE PRECISION,
              rx_dbm DOUBLE PRECISION, tx_dbm DOUBLE PRECISION, optical_level TEXT, detail TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE link_rollup (
              target TEXT NOT NULL, bucket_s BIGINT NOT NULL, polls INTEGER NOT NULL,
              in_bps_sum DOUBLE PRECISION NOT NULL, in_samples INTEGER NOT NULL, in_bps_max DOUBLE PRECISION,
              out_bps_sum DOUBLE PRECISION NOT NULL, out_samples INTEGER NOT NULL, out_bps_max DOUBLE PRECISION,
              PRIMARY KEY (target, bucket_s)
            );
            CREATE TABLE optical_hourly (
              port TEXT NOT NULL, bucket_s BIGINT NOT NULL, rx_sum DOUBLE PRECISION NOT NULL, samples INTEGER NOT NULL,
              rx_min DOUBLE PRECISION NOT NULL, PRIMARY KEY (port, bucket_s)
            );
            CREATE TABLE trap_rejection (
              source TEXT NOT NULL, reason TEXT NOT NULL, count BIGINT NOT NULL, first_s BIGINT NOT NULL, last_s BIGINT NOT NULL,
              PRIMARY KEY (source, reason)
            )
            """),
        (3, """
            CREATE TABLE ingest_receipt (
              key TEXT PRIMARY KEY,
              remote_id BIGINT,
              at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """),
        // The correlator's tables (the SQLite store's v3, v4, v5 and v10 ticket columns), and each
        // engine's degradations in force (the correlator combines them across engines).
        (4, """
            CREATE TABLE ticket (
              id BIGSERIAL PRIMARY KEY,
              number TEXT NOT NULL UNIQUE,
              root_key TEXT NOT NULL,
              kind TEXT NOT NULL,
              cause TEXT NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved', 'closed')),
              priority TEXT NOT NULL,
              priority_reason TEXT NOT NULL,
              affected_sites TEXT NOT NULL,
              evidence TEXT NOT NULL,
              started_s BIGINT NOT NULL,
              opened_s BIGINT NOT NULL,
              acknowledged_s BIGINT, assigned_to TEXT,
              resolved_s BIGINT, recovered_s BIGINT,
              closed_s BIGINT,
              reopened INTEGER NOT NULL DEFAULT 0,
              flaps INTEGER NOT NULL DEFAULT 0,
              ba_officers TEXT, ba_problem TEXT, ba_work TEXT, ba_alternative TEXT, ba_location TEXT, ba_cause TEXT,
              escalation_level INTEGER NOT NULL DEFAULT 1,
              merged_into TEXT,
              link_id TEXT
            );
            CREATE UNIQUE INDEX ticket_live_root ON ticket (root_key) WHERE state IN ('open', 'acknowledged');
            CREATE TABLE ticket_event (
              id BIGSERIAL PRIMARY KEY,
              ticket_id BIGINT NOT NULL REFERENCES ticket(id),
              at_s BIGINT NOT NULL,
              kind TEXT NOT NULL,
              text TEXT NOT NULL
            );
            CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, id);
            CREATE TABLE ticket_counter (month TEXT PRIMARY KEY, last INTEGER NOT NULL);
            CREATE TABLE ticket_episode (
              id BIGSERIAL PRIMARY KEY,
              ticket_id BIGINT NOT NULL REFERENCES ticket(id),
              started_s BIGINT NOT NULL,
              recovered_s BIGINT,
              cause TEXT NOT NULL
            );
            CREATE INDEX ticket_episode_ticket ON ticket_episode (ticket_id, id);
            CREATE TABLE ticket_requester (
              id BIGSERIAL PRIMARY KEY,
              ticket_id BIGINT NOT NULL REFERENCES ticket(id),
              site TEXT NOT NULL, name TEXT NOT NULL, contact TEXT, via TEXT NOT NULL, text TEXT NOT NULL,
              reported_by TEXT NOT NULL, at_s BIGINT NOT NULL
            );
            CREATE INDEX ticket_requester_ticket ON ticket_requester (ticket_id);
            CREATE TABLE ticket_document (
              ticket_id BIGINT PRIMARY KEY REFERENCES ticket(id),
              number TEXT NOT NULL UNIQUE,
              month TEXT NOT NULL,
              closed_s BIGINT NOT NULL,
              html TEXT NOT NULL,
              pdf BYTEA
            );
            CREATE TABLE outbox (
              id BIGSERIAL PRIMARY KEY,
              dedupe_key TEXT NOT NULL UNIQUE,
              ticket_id BIGINT REFERENCES ticket(id),
              channel TEXT NOT NULL,
              subject TEXT NOT NULL,
              body TEXT NOT NULL,
              created_s BIGINT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              next_s BIGINT NOT NULL,
              sent_s BIGINT,
              last_error TEXT,
              recipient TEXT
            );
            CREATE INDEX outbox_pending ON outbox (next_s) WHERE sent_s IS NULL;
            CREATE TABLE degradation (
              element TEXT NOT NULL,
              engine TEXT NOT NULL,
              prober TEXT NOT NULL,
              reason TEXT NOT NULL,
              since_s BIGINT NOT NULL,
              PRIMARY KEY (element, engine, prober)
            )
            """),
        // The faces on the centre: dashboard users, sessions and tokens (by SHA-256), the audit
        // log, and the helpdesk's installation records.
        (5, """
            CREATE TABLE web_user (
              name TEXT PRIMARY KEY,
              display_name TEXT NOT NULL,
              role TEXT NOT NULL,
              sites TEXT NOT NULL DEFAULT '',
              password_hash TEXT NOT NULL,
              disabled BOOLEAN NOT NULL DEFAULT false,
              created_s BIGINT NOT NULL
            );
            CREATE TABLE web_session (
              token_sha256 TEXT PRIMARY KEY,
              "user" TEXT NOT NULL REFERENCES web_user(name) ON DELETE CASCADE,
              csrf TEXT NOT NULL,
              created_s BIGINT NOT NULL,
              last_seen_s BIGINT NOT NULL
            );
            CREATE TABLE api_token (
              token_sha256 TEXT PRIMARY KEY,
              label TEXT NOT NULL,
              "user" TEXT NOT NULL REFERENCES web_user(name) ON DELETE CASCADE,
              created_s BIGINT NOT NULL
            );
            CREATE TABLE audit_log (
              id BIGSERIAL PRIMARY KEY,
              at_s BIGINT NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              object TEXT NOT NULL,
              detail TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE ticket_handover (
              ticket_id BIGINT PRIMARY KEY REFERENCES ticket(id),
              received_by TEXT NOT NULL,
              handed_by TEXT NOT NULL,
              equipment TEXT NOT NULL,
              note TEXT NOT NULL,
              at_s BIGINT NOT NULL
            );
            CREATE TABLE bandwidth_acceptance (
              id BIGSERIAL PRIMARY KEY,
              link TEXT NOT NULL,
              ticket_id BIGINT REFERENCES ticket(id),
              at_s BIGINT NOT NULL,
              officer TEXT NOT NULL,
              passed BOOLEAN NOT NULL,
              upload_mbps DOUBLE PRECISION,
              download_mbps DOUBLE PRECISION,
              contract_mbps DOUBLE PRECISION,
              verdict TEXT NOT NULL,
              html TEXT NOT NULL
            );
            CREATE INDEX bandwidth_acceptance_ticket ON bandwidth_acceptance (ticket_id)
            """),
        // Closed months: a revision is frozen once written (only its reopen columns may be filled,
        // once) and never deleted, enforced by the server as the SQLite store's triggers do.
        (6, """
            CREATE TABLE month_close (
              id BIGSERIAL PRIMARY KEY,
              month TEXT NOT NULL,
              revision INTEGER NOT NULL,
              closed_s BIGINT NOT NULL,
              closed_by TEXT NOT NULL,
              note TEXT NOT NULL,
              reason TEXT,
              hash TEXT NOT NULL,
              snapshot TEXT NOT NULL,
              reopened_s BIGINT,
              reopened_by TEXT,
              reopen_reason TEXT,
              UNIQUE (month, revision)
            )
            ;;
            CREATE FUNCTION month_close_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'closed months are kept: revisions cannot be deleted';
              END IF;
              IF (NEW.month, NEW.revision, NEW.closed_s, NEW.closed_by, NEW.note, NEW.reason, NEW.hash, NEW.snapshot)
                 IS DISTINCT FROM (OLD.month, OLD.revision, OLD.closed_s, OLD.closed_by, OLD.note, OLD.reason, OLD.hash, OLD.snapshot) THEN
                RAISE EXCEPTION 'a closed month cannot be changed: reopen it and close a new revision';
              END IF;
              IF OLD.reopened_s IS NOT NULL THEN
                RAISE EXCEPTION 'this revision was already reopened';
              END IF;
              RETURN NEW;
            END $$
            ;;
            CREATE TRIGGER month_close_frozen BEFORE UPDATE OR DELETE ON month_close FOR EACH ROW EXECUTE FUNCTION month_close_guard()
            """),
        // Measurements partitioned like the history: ICMP rollups by resolution, then by UTC day
        // (5-minute buckets) or month (hourly, daily); link rates and optical hours by day. The
        // rows of migration 2's tables move over (`partitionMeasurements`).
        (7, """
            ALTER TABLE icmp_rollup RENAME TO icmp_rollup_v2;
            ALTER TABLE icmp_rollup_v2 RENAME CONSTRAINT icmp_rollup_pkey TO icmp_rollup_v2_pkey;
            ALTER TABLE link_rollup RENAME TO link_rollup_v2;
            ALTER TABLE link_rollup_v2 RENAME CONSTRAINT link_rollup_pkey TO link_rollup_v2_pkey;
            ALTER TABLE optical_hourly RENAME TO optical_hourly_v2;
            ALTER TABLE optical_hourly_v2 RENAME CONSTRAINT optical_hourly_pkey TO optical_hourly_v2_pkey;
            CREATE TABLE icmp_rollup (
              target TEXT NOT NULL, resolution_s BIGINT NOT NULL, bucket_s BIGINT NOT NULL,
              rounds INTEGER NOT NULL, sent INTEGER NOT NULL, received INTEGER NOT NULL,
              rtt_sum_ms DOUBLE PRECISION NOT NULL, rtt_samples INTEGER NOT NULL,
              rtt_min_ms DOUBLE PRECISION, rtt_max_ms DOUBLE PRECISION,
              jitter_sum_ms DOUBLE PRECISION NOT NULL, jitter_samples INTEGER NOT NULL,
              PRIMARY KEY (target, resolution_s, bucket_s)
            ) PARTITION BY LIST (resolution_s);
            CREATE TABLE icmp_rollup_r300 PARTITION OF icmp_rollup FOR VALUES IN (300) PARTITION BY RANGE (bucket_s);
            CREATE TABLE icmp_rollup_r3600 PARTITION OF icmp_rollup FOR VALUES IN (3600) PARTITION BY RANGE (bucket_s);
            CREATE TABLE icmp_rollup_r86400 PARTITION OF icmp_rollup FOR VALUES IN (86400) PARTITION BY RANGE (bucket_s);
            CREATE TABLE link_rollup (
              target TEXT NOT NULL, bucket_s BIGINT NOT NULL, polls INTEGER NOT NULL,
              in_bps_sum DOUBLE PRECISION NOT NULL, in_samples INTEGER NOT NULL, in_bps_max DOUBLE PRECISION,
              out_bps_sum DOUBLE PRECISION NOT NULL, out_samples INTEGER NOT NULL, out_bps_max DOUBLE PRECISION,
              PRIMARY KEY (target, bucket_s)
            ) PARTITION BY RANGE (bucket_s);
            CREATE TABLE optical_hourly (
              port TEXT NOT NULL, bucket_s BIGINT NOT NULL, rx_sum DOUBLE PRECISION NOT NULL, samples INTEGER NOT NULL,
              rx_min DOUBLE PRECISION NOT NULL, PRIMARY KEY (port, bucket_s)
            ) PARTITION BY RANGE (bucket_s)
            """),
        // Mirrored traffic per OPD (per minute by UTC day, per hour by month), top talkers (by day)
        // and the capture's latest counters.
        (8, """
            CREATE TABLE opd_traffic (
              site TEXT NOT NULL, resolution_s BIGINT NOT NULL, bucket_s BIGINT NOT NULL,
              in_bytes BIGINT NOT NULL, out_bytes BIGINT NOT NULL, in_packets BIGINT NOT NULL, out_packets BIGINT NOT NULL,
              PRIMARY KEY (site, resolution_s, bucket_s)
            ) PARTITION BY LIST (resolution_s);
            CREATE TABLE opd_traffic_r60 PARTITION OF opd_traffic FOR VALUES IN (60) PARTITION BY RANGE (bucket_s);
            CREATE TABLE opd_traffic_r3600 PARTITION OF opd_traffic FOR VALUES IN (3600) PARTITION BY RANGE (bucket_s);
            CREATE INDEX opd_traffic_by_bucket ON opd_traffic (resolution_s, bucket_s);
            CREATE TABLE top_talker (
              bucket_s BIGINT NOT NULL, source TEXT NOT NULL, destination TEXT NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL,
              bytes BIGINT NOT NULL
            ) PARTITION BY RANGE (bucket_s);
            CREATE INDEX top_talker_by_bucket ON top_talker (bucket_s);
            CREATE TABLE capture_stats (
              interface TEXT PRIMARY KEY, at_s BIGINT NOT NULL, received BIGINT NOT NULL, dropped BIGINT NOT NULL, if_dropped BIGINT NOT NULL,
              unattributed BIGINT NOT NULL, non_ip BIGINT NOT NULL
            )
            """),
        // Bandwidth tests: one row per measured direction.
        (9, """
            CREATE TABLE bandwidth_test (
              id BIGSERIAL PRIMARY KEY,
              target TEXT NOT NULL,
              at_s BIGINT NOT NULL,
              direction TEXT NOT NULL CHECK (direction IN ('upload', 'download')),
              protocol TEXT NOT NULL,
              server TEXT NOT NULL,
              duration_s DOUBLE PRECISION NOT NULL,
              sender_bps DOUBLE PRECISION, receiver_bps DOUBLE PRECISION, retransmits BIGINT, jitter_ms DOUBLE PRECISION, loss_pct DOUBLE PRECISION,
              error TEXT
            );
            CREATE INDEX bandwidth_test_by_target ON bandwidth_test (target, direction, at_s DESC)
            """),
        // What each link's latest read said of its ports (the central correlator's evidence).
        (10, "ALTER TABLE link_last ADD COLUMN port_state TEXT"),
        // A delivery attempt is written before it starts: a kill -9 during a send leaves it counted.
        (11, "ALTER TABLE outbox ADD COLUMN attempt_started_s BIGINT"),
        // Bandwidth tests running now, by any process of any engine: no two on a shared path.
        (12, """
            CREATE TABLE bandwidth_lease (
              id TEXT PRIMARY KEY, holder TEXT NOT NULL, target TEXT NOT NULL, links TEXT NOT NULL,
              started_s BIGINT NOT NULL, expires_s BIGINT NOT NULL
            )
            """),
    ]

    /// `upTo`: stop after that version (tests of a migration's data conversion).
    func migrate(upTo: Int? = nil) async throws {
        try await transaction("migrating the store") { c in
            // One process migrates at a time; the others wait here and then find nothing to do.
            try await c.query("SELECT pg_advisory_xact_lock(7274420)", logger: logger)
            try await c.query("CREATE TABLE IF NOT EXISTS pantau_migration (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                              logger: logger)
            var done = Set<Int>()
            for try await v in try await c.query("SELECT version FROM pantau_migration", logger: logger).decode(Int.self) { done.insert(v) }
            for m in Self.migrations where !done.contains(m.version) && m.version <= (upTo ?? .max) {
                // One statement per query (the extended protocol takes one at a time).
                // A migration whose statements hold semicolons (a function body) separates them with ";;".
                let separator = m.sql.contains(";;") ? ";;" : ";"
                for statement in m.sql.components(separatedBy: separator).map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                    try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                if m.version == 7 { try await partitionMeasurements(on: c) }
                try await c.query("INSERT INTO pantau_migration (version) VALUES (\(m.version))", logger: logger)
            }
        }
    }

    /// The UTC month holding `t`: its bounds (epoch seconds) and a partition name's suffix ("y2026m11").
    static func month(of t: EpochSeconds) -> (start: EpochSeconds, end: EpochSeconds, suffix: String) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let d = cal.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(t)))
        let start = cal.date(from: DateComponents(year: d.year, month: d.month, day: 1))!
        let end = cal.date(byAdding: .month, value: 1, to: start)!
        return (EpochSeconds(start.timeIntervalSince1970), EpochSeconds(end.timeIntervalSince1970), String(format: "y%04dm%02d", d.year!, d.month!))
    }

    /// The month partitions of the state history, oldest first: name and bounds.
    public func historyPartitions() async throws -> [(name: String, start: EpochSeconds, end: EpochSeconds)] {
        try await transaction("listing the history partitions") { c in try await partitions(of: .history, on: c) }
    }

    /// Retention: drops every month partition whose intervals all ended before `cutoff` (an
    /// interval still being recorded by a live session, or ending later, keeps its partition).
    /// Returns the dropped names.
    public func dropHistory(before cutoff: EpochSeconds) async throws -> [String] {
        var dropped: [String] = []
        for p in try await historyPartitions() where p.end <= cutoff {
            let kept = try await transaction("dropping \(p.name)") { c -> Bool in
                try await c.query("SELECT pg_advisory_xact_lock(\(Self.partitionLock))", logger: logger)
                let rows = try await c.query(PostgresQuery(unsafeSQL: """
                    SELECT COUNT(*) FROM \(p.name) i JOIN source s ON s.id = i.source_id
                    WHERE (i.to_s IS NULL AND s.ended_s IS NULL) OR COALESCE(i.to_s, s.ended_s, s.last_seen_s) > \(cutoff)
                    """), logger: logger)
                var n = 0
                for try await x in rows.decode(Int.self) { n = x }
                if n > 0 { return true }
                try await c.query(PostgresQuery(unsafeSQL: "DROP TABLE \(p.name)"), logger: logger)
                return false
            }
            if !kept {
                dropped.append(p.name)
                knownPartitions.remove(p.name)
            }
        }
        return dropped
    }
}
