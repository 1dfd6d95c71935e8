import Foundation
import GRDB
import PantauCore
import PantauStoreKit

/// The embedded SQLite store (WAL mode). Safe to read from other processes while the
/// engine writes, e.g. `pantau status` next to `pantau run`.
///
/// History is kept as state intervals, each written by a *source*: an engine session or
/// a history import. An interval still open (`to_s` NULL) ends, for every reader, at
/// its source's end or last heartbeat: time after a crash is never counted as up.
public final class Store: Sendable {
    /// A `DatabasePool` (WAL); a `DatabaseQueue` only for a database read from a read-only mount.
    let pool: any DatabaseWriter
    public let path: String
    /// The file opened (device, inode), to notice it being deleted or replaced.
    let identity: (device: UInt64, inode: UInt64)

    /// Opens (creating and migrating if needed) the database at `path`.
    /// How a command opens the database.
    public enum OpenMode: Sendable {
        /// `run`, `history import`: create the file (and its folder) if needed, migrate.
        case create
        /// Commands that change tickets: the database must exist; migrated if older.
        case existing
        /// Commands that only read (`status`, `availability`, `tickets list/show/export`): the
        /// database must exist; opened read-only, never written, no lock file — so a reader in
        /// a shared NOC folder or on a read-only mount cannot disturb the engine.
        case readOnly
    }

    public init(path: String, mode: OpenMode = .create) throws {
        self.path = path
        try Self.refuseHardLinks(path)
        if mode != .create, !FileManager.default.fileExists(atPath: path) {
            throw PantauError(.notFound, operation: "opening the database", subject: path,
                              message: "there is no database here (check --db or $PANTAU_DB); 'pantau run' or 'pantau history import' creates one")
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        if mode == .readOnly {
            config.readonly = true
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
            do {
                do {
                    let p = try DatabasePool(path: path, configuration: config)
                    _ = try p.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
                    pool = p
                } catch where Self.onReadOnlyMount(path) && !FileManager.default.fileExists(atPath: path + "-wal") {
                    // WAL needs a -shm file nobody can create here; with no -wal left (the engine
                    // stopped cleanly, or never ran here) the file is the whole database, and on a
                    // read-only mount it cannot change under us: SQLite's immutable mode is exact.
                    pool = try DatabaseQueue(path: "file:\(Self.uriPath(path))?immutable=1", configuration: config)
                }
                guard try pool.read({ try Self.migrator.hasCompletedMigrations($0) }) else {
                    throw PantauError(.storage, operation: "opening the database read-only", subject: path,
                                      message: "it was written by an older Pantau; run 'pantau run' once (as the engine's user) to upgrade it")
                }
            } catch let e as PantauError {
                throw e
            } catch {
                throw PantauError(.storage, operation: "opening the database read-only", subject: path,
                                  message: "\(error)\(Self.readOnlyHint(path))")
            }
            var st = stat()
            identity = stat(path, &st) == 0 ? (UInt64(st.st_dev), UInt64(st.st_ino)) : (0, 0)
            return
        }
        config.prepareDatabase { db in
            // A committed state change must survive kill -9 and power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            // Several processes may open a new or older database at once (`pantau run` and
            // `pantau status`): switching to WAL and migrating happen under an exclusive file
            // lock, one process at a time (SQLite's busy timeout does not cover the WAL switch).
            pool = try Self.withFileLock(path + ".open.lock") {
                let p = try DatabasePool(path: path, configuration: config)
                if try !p.read({ try Self.migrator.hasCompletedMigrations($0) }) { try Self.migrator.migrate(p) }
                return p
            }
        } catch {
            throw PantauError(.storage, operation: "opening the database", subject: path, message: "\(error)")
        }
        var st = stat()
        identity = stat(path, &st) == 0 ? (UInt64(st.st_dev), UInt64(st.st_ino)) : (0, 0)
    }

    static func onReadOnlyMount(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var fs = statvfs()
        return statvfs(dir, &fs) == 0 && fs.f_flag & UInt(ST_RDONLY) != 0
    }

    /// `path` for an SQLite URI filename (percent-encoded, absolute).
    static func uriPath(_ path: String) -> String {
        let abs = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "/-._~")
        return abs.addingPercentEncoding(withAllowedCharacters: allowed) ?? abs
    }

    /// Why a read-only open may fail, in words: SQLite in WAL mode needs the `-shm` file, which
    /// a reader cannot create on a read-only mount or in a folder it may not write.
    static func readOnlyHint(_ path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if onReadOnlyMount(path) {
            return " (the folder is on a read-only mount with the database's -wal file but no -shm: copy the database with its -wal, or mount it read-write)"
        }
        if access(dir, W_OK) != 0 {
            return " (this user may not write in \(dir): SQLite needs the database's -shm file there; see docs/deployment.md, readers in the engine's group)"
        }
        return ""
    }

    static func withFileLock<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        _ = flock(fd, LOCK_EX)
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE source (
                  id INTEGER PRIMARY KEY,
                  kind TEXT NOT NULL CHECK (kind IN ('engine', 'import')),
                  started_s INTEGER NOT NULL,
                  last_seen_s INTEGER NOT NULL,
                  ended_s INTEGER,
                  end_reason TEXT,
                  detail TEXT NOT NULL
                );
                CREATE TABLE state_interval (
                  id INTEGER PRIMARY KEY,
                  target TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('up', 'down', 'unknown')),
                  from_s INTEGER NOT NULL,
                  to_s INTEGER CHECK (to_s IS NULL OR to_s > from_s),
                  source_id INTEGER NOT NULL REFERENCES source(id)
                );
                CREATE INDEX state_interval_by_target ON state_interval(target, from_s);
                CREATE INDEX state_interval_open ON state_interval(source_id) WHERE to_s IS NULL;
                CREATE TABLE probe_last (
                  target TEXT PRIMARY KEY,
                  at_s INTEGER NOT NULL,
                  sent INTEGER NOT NULL,
                  received INTEGER NOT NULL,
                  rtt_avg_ms REAL,
                  rtt_min_ms REAL,
                  rtt_max_ms REAL,
                  jitter_ms REAL
                );
                CREATE TABLE icmp_rollup (
                  target TEXT NOT NULL,
                  resolution_s INTEGER NOT NULL,
                  bucket_s INTEGER NOT NULL,
                  rounds INTEGER NOT NULL,
                  sent INTEGER NOT NULL,
                  received INTEGER NOT NULL,
                  rtt_sum_ms REAL NOT NULL,
                  rtt_samples INTEGER NOT NULL,
                  rtt_min_ms REAL,
                  rtt_max_ms REAL,
                  jitter_sum_ms REAL NOT NULL,
                  jitter_samples INTEGER NOT NULL,
                  PRIMARY KEY (target, resolution_s, bucket_s)
                ) WITHOUT ROWID;
                CREATE TABLE import_file (
                  id INTEGER PRIMARY KEY,
                  source_id INTEGER NOT NULL REFERENCES source(id),
                  path TEXT NOT NULL,
                  rows_added INTEGER NOT NULL,
                  rows_already_present INTEGER NOT NULL,
                  imported_s INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v2-links") { db in
            try db.execute(sql: """
                CREATE TABLE link_last (
                  target TEXT PRIMARY KEY,
                  at_s INTEGER NOT NULL,
                  in_bps REAL, out_bps REAL, utilisation_pct REAL,
                  rx_dbm REAL, tx_dbm REAL, optical_level TEXT, detail TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE link_rollup (
                  target TEXT NOT NULL,
                  bucket_s INTEGER NOT NULL,
                  polls INTEGER NOT NULL,
                  in_bps_sum REAL NOT NULL, in_samples INTEGER NOT NULL, in_bps_max REAL,
                  out_bps_sum REAL NOT NULL, out_samples INTEGER NOT NULL, out_bps_max REAL,
                  PRIMARY KEY (target, bucket_s)
                );
                CREATE TABLE optical_hourly (
                  port TEXT NOT NULL,
                  bucket_s INTEGER NOT NULL,
                  rx_sum REAL NOT NULL,
                  samples INTEGER NOT NULL,
                  rx_min REAL NOT NULL,
                  PRIMARY KEY (port, bucket_s)
                );
                CREATE TABLE trap_rejection (
                  source TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  count INTEGER NOT NULL,
                  first_s INTEGER NOT NULL,
                  last_s INTEGER NOT NULL,
                  PRIMARY KEY (source, reason)
                );
                """)
        }
        m.registerMigration("v3-tickets") { db in
            try db.execute(sql: """
                CREATE TABLE ticket (
                  id INTEGER PRIMARY KEY,
                  number TEXT NOT NULL UNIQUE,
                  root_key TEXT NOT NULL,
                  kind TEXT NOT NULL,
                  cause TEXT NOT NULL,
                  state TEXT NOT NULL,
                  priority TEXT NOT NULL,
                  priority_reason TEXT NOT NULL,
                  affected_sites TEXT NOT NULL,
                  evidence TEXT NOT NULL,
                  started_s INTEGER NOT NULL,
                  opened_s INTEGER NOT NULL,
                  acknowledged_s INTEGER, assigned_to TEXT,
                  resolved_s INTEGER, recovered_s INTEGER,
                  closed_s INTEGER,
                  reopened INTEGER NOT NULL DEFAULT 0,
                  flaps INTEGER NOT NULL DEFAULT 0,
                  ba_officers TEXT, ba_problem TEXT, ba_work TEXT, ba_alternative TEXT, ba_location TEXT
                );
                -- At most one live ticket per root cause: a restart or a retried write cannot open a second.
                CREATE UNIQUE INDEX ticket_live_root ON ticket(root_key) WHERE state IN ('open', 'acknowledged');
                CREATE TABLE ticket_event (
                  id INTEGER PRIMARY KEY,
                  ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                  at_s INTEGER NOT NULL,
                  kind TEXT NOT NULL,
                  text TEXT NOT NULL
                );
                CREATE INDEX ticket_event_ticket ON ticket_event(ticket_id, id);
                CREATE TABLE ticket_counter (month TEXT PRIMARY KEY, last INTEGER NOT NULL);
                CREATE TABLE outbox (
                  id INTEGER PRIMARY KEY,
                  dedupe_key TEXT NOT NULL UNIQUE,
                  ticket_id INTEGER REFERENCES ticket(id),
                  channel TEXT NOT NULL,
                  subject TEXT NOT NULL,
                  body TEXT NOT NULL,
                  created_s INTEGER NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0,
                  next_s INTEGER NOT NULL,
                  sent_s INTEGER,
                  last_error TEXT
                );
                CREATE INDEX outbox_due ON outbox(sent_s, next_s);
                """)
        }
        m.registerMigration("v4-sources") { db in
            // One session per source (prober) and engine; the last cycle's figures for `status`.
            try db.execute(sql: """
                ALTER TABLE source ADD COLUMN prober TEXT;
                ALTER TABLE source ADD COLUMN engine TEXT;
                ALTER TABLE source ADD COLUMN cycle TEXT;
                CREATE INDEX state_interval_latest ON state_interval(target, from_s DESC, id DESC);
                CREATE TABLE ticket_episode (
                  id INTEGER PRIMARY KEY,
                  ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                  started_s INTEGER NOT NULL,
                  recovered_s INTEGER,
                  cause TEXT NOT NULL
                );
                CREATE INDEX ticket_episode_ticket ON ticket_episode(ticket_id, id);
                INSERT INTO ticket_episode (ticket_id, started_s, recovered_s, cause) SELECT id, started_s, recovered_s, cause FROM ticket;
                CREATE TABLE link_rollup_daily (
                  target TEXT NOT NULL,
                  bucket_s INTEGER NOT NULL,
                  polls INTEGER NOT NULL,
                  in_bps_sum REAL NOT NULL, in_samples INTEGER NOT NULL, in_bps_max REAL,
                  out_bps_sum REAL NOT NULL, out_samples INTEGER NOT NULL, out_bps_max REAL,
                  PRIMARY KEY (target, bucket_s)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v5-month-close") { db in
            // The Berita Acara's cause (whom the outage counts against) and the closed months:
            // one row per revision, immutable once written (triggers), only the reopen columns
            // of the latest revision may be filled in, once.
            try db.execute(sql: """
                ALTER TABLE ticket ADD COLUMN ba_cause TEXT;
                CREATE TABLE month_close (
                  id INTEGER PRIMARY KEY,
                  month TEXT NOT NULL,
                  revision INTEGER NOT NULL,
                  closed_s INTEGER NOT NULL,
                  closed_by TEXT NOT NULL,
                  note TEXT NOT NULL,
                  reason TEXT,
                  hash TEXT NOT NULL,
                  snapshot TEXT NOT NULL,
                  reopened_s INTEGER,
                  reopened_by TEXT,
                  reopen_reason TEXT,
                  UNIQUE (month, revision)
                );
                CREATE TRIGGER month_close_frozen BEFORE UPDATE OF month, revision, closed_s, closed_by, note, reason, hash, snapshot
                  ON month_close BEGIN SELECT RAISE(ABORT, 'a closed month cannot be changed: reopen it and close a new revision'); END;
                CREATE TRIGGER month_close_reopen_once BEFORE UPDATE OF reopened_s, reopened_by, reopen_reason ON month_close
                  WHEN OLD.reopened_s IS NOT NULL
                  BEGIN SELECT RAISE(ABORT, 'this revision was already reopened'); END;
                CREATE TRIGGER month_close_kept BEFORE DELETE ON month_close
                  BEGIN SELECT RAISE(ABORT, 'closed months are kept: revisions cannot be deleted'); END;
                """)
        }
        m.registerMigration("v6-probe-note") { db in
            // Why the last round sent nothing (a site's host name that did not resolve).
            try db.execute(sql: "ALTER TABLE probe_last ADD COLUMN note TEXT")
        }
        m.registerMigration("v7-bandwidth") { db in
            // One row per measured direction of a bandwidth test.
            try db.execute(sql: """
                CREATE TABLE bandwidth_test (
                  id INTEGER PRIMARY KEY,
                  target TEXT NOT NULL,
                  at_s INTEGER NOT NULL,
                  direction TEXT NOT NULL CHECK (direction IN ('upload', 'download')),
                  protocol TEXT NOT NULL,
                  server TEXT NOT NULL,
                  duration_s REAL NOT NULL,
                  sender_bps REAL, receiver_bps REAL, retransmits INTEGER, jitter_ms REAL, loss_pct REAL,
                  error TEXT
                );
                CREATE INDEX bandwidth_test_by_target ON bandwidth_test(target, direction, at_s DESC);
                """)
        }
        m.registerMigration("v8-traffic") { db in
            // Mirrored traffic per OPD: per bucket (60 s) and per hour, written live; top talkers
            // for a short window; the capture's own counters (latest per interface).
            try db.execute(sql: """
                CREATE TABLE opd_traffic (
                  site TEXT NOT NULL,
                  resolution_s INTEGER NOT NULL,
                  bucket_s INTEGER NOT NULL,
                  in_bytes INTEGER NOT NULL, out_bytes INTEGER NOT NULL,
                  in_packets INTEGER NOT NULL, out_packets INTEGER NOT NULL,
                  PRIMARY KEY (site, resolution_s, bucket_s)
                ) WITHOUT ROWID;
                CREATE INDEX opd_traffic_by_bucket ON opd_traffic(resolution_s, bucket_s);
                CREATE TABLE top_talker (
                  bucket_s INTEGER NOT NULL,
                  source TEXT NOT NULL, destination TEXT NOT NULL,
                  proto INTEGER NOT NULL, port INTEGER NOT NULL,
                  bytes INTEGER NOT NULL
                );
                CREATE INDEX top_talker_by_bucket ON top_talker(bucket_s);
                CREATE TABLE capture_stats (
                  interface TEXT PRIMARY KEY,
                  at_s INTEGER NOT NULL,
                  received INTEGER NOT NULL, dropped INTEGER NOT NULL, if_dropped INTEGER NOT NULL,
                  unattributed INTEGER NOT NULL, non_ip INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v9-web") { db in
            // Dashboard users (bcrypt hashes, never the password), sessions by the SHA-256 of
            // their cookie (a copy of the database does not hold a usable cookie), API tokens the
            // same way, and the audit log of every ticket action and user change.
            try db.execute(sql: """
                CREATE TABLE web_user (
                  name TEXT PRIMARY KEY,
                  display_name TEXT NOT NULL,
                  role TEXT NOT NULL,
                  sites TEXT NOT NULL DEFAULT '',
                  password_hash TEXT NOT NULL,
                  disabled INTEGER NOT NULL DEFAULT 0,
                  created_s INTEGER NOT NULL
                );
                CREATE TABLE web_session (
                  token_sha256 TEXT PRIMARY KEY,
                  user TEXT NOT NULL REFERENCES web_user(name) ON DELETE CASCADE,
                  csrf TEXT NOT NULL,
                  created_s INTEGER NOT NULL,
                  last_seen_s INTEGER NOT NULL
                );
                CREATE TABLE api_token (
                  token_sha256 TEXT PRIMARY KEY,
                  label TEXT NOT NULL,
                  user TEXT NOT NULL REFERENCES web_user(name) ON DELETE CASCADE,
                  created_s INTEGER NOT NULL
                );
                CREATE TABLE audit_log (
                  id INTEGER PRIMARY KEY,
                  at_s INTEGER NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL,
                  object TEXT NOT NULL,
                  detail TEXT NOT NULL DEFAULT ''
                );
                """)
        }
        m.registerMigration("v10-helpdesk") { db in
            // The helpdesk workflow: who reported a disruption (and how to reach them), the
            // escalation level a ticket reached, a reported ticket merged into the engine's,
            // installation tickets' acceptance test and handover, the archived Berita Acara
            // (the document as closed), and per-recipient messages in the outbox.
            try db.execute(sql: """
                ALTER TABLE ticket ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE ticket ADD COLUMN merged_into TEXT;
                ALTER TABLE ticket ADD COLUMN link_id TEXT;
                ALTER TABLE outbox ADD COLUMN recipient TEXT;
                CREATE TABLE ticket_requester (
                  id INTEGER PRIMARY KEY,
                  ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                  site TEXT NOT NULL,
                  name TEXT NOT NULL,
                  contact TEXT,
                  via TEXT NOT NULL,
                  text TEXT NOT NULL,
                  reported_by TEXT NOT NULL,
                  at_s INTEGER NOT NULL
                );
                CREATE INDEX ticket_requester_ticket ON ticket_requester(ticket_id);
                CREATE TABLE ticket_handover (
                  ticket_id INTEGER PRIMARY KEY REFERENCES ticket(id),
                  received_by TEXT NOT NULL,
                  handed_by TEXT NOT NULL,
                  equipment TEXT NOT NULL,
                  note TEXT NOT NULL,
                  at_s INTEGER NOT NULL
                );
                CREATE TABLE bandwidth_acceptance (
                  id INTEGER PRIMARY KEY,
                  link TEXT NOT NULL,
                  ticket_id INTEGER REFERENCES ticket(id),
                  at_s INTEGER NOT NULL,
                  officer TEXT NOT NULL,
                  passed INTEGER NOT NULL,
                  upload_mbps REAL,
                  download_mbps REAL,
                  contract_mbps REAL,
                  verdict TEXT NOT NULL,
                  html TEXT NOT NULL
                );
                CREATE INDEX bandwidth_acceptance_ticket ON bandwidth_acceptance(ticket_id);
                CREATE TABLE ticket_document (
                  ticket_id INTEGER PRIMARY KEY REFERENCES ticket(id),
                  number TEXT NOT NULL UNIQUE,
                  month TEXT NOT NULL,
                  closed_s INTEGER NOT NULL,
                  html TEXT NOT NULL,
                  pdf BLOB
                );
                CREATE INDEX ticket_document_month ON ticket_document(month, number);
                """)
        }
        m.registerMigration("v11-outbox-attempt") { db in
            // A delivery attempt is written before it starts: a kill -9 during a send leaves it counted.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN attempt_started_s INTEGER")
        }
        m.registerMigration("v12-bandwidth-lease") { db in
            // Bandwidth tests running now, by any process: no two on a shared path.
            try db.execute(sql: """
                CREATE TABLE bandwidth_lease (
                  id TEXT PRIMARY KEY, holder TEXT NOT NULL, target TEXT NOT NULL, links TEXT NOT NULL,
                  started_s INTEGER NOT NULL, expires_s INTEGER NOT NULL
                )
                """)
        }
        return m
    }

    /// Runs `body` in one write transaction off the cooperative pool (GRDB's writer queue), with
    /// the error wrapped as a `PantauError` naming the operation and the database.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.write(body) } catch let e as PantauError { throw e } catch let e as ImportErrors { throw e }
        catch is CancellationError { throw CancellationError() } catch {
            throw PantauError(.storage, operation: operation, subject: path, message: "\(error)")
        }
    }

    /// Runs `body` on a read-only snapshot off the cooperative pool.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch let e as PantauError { throw e } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw PantauError(.storage, operation: operation, subject: path, message: "\(error)")
        }
    }
}
