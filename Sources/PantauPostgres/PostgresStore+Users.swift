import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Dashboard users, sessions, API tokens and the audit log on PostgreSQL (the SQLite store's
/// rules: a new password or a disabled user ends every session; tokens of a disabled user stop).
extension PostgresStore: UserStore {
    public func addUser(_ user: WebUser, passwordHash: String, actor: String, at: EpochSeconds) async throws {
        try await transaction("adding user \(user.name)") { c in
            guard try await Self.ids(c, logger, "SELECT 1::bigint FROM web_user WHERE name = \(user.name)").isEmpty else {
                throw UserRules.nameTaken(user.name)
            }
            try await c.query("""
                INSERT INTO web_user (name, display_name, role, sites, password_hash, disabled, created_s)
                VALUES (\(user.name), \(user.displayName), \(user.role.rawValue), \(user.sites.joined(separator: ",")), \(passwordHash), false, \(at))
                """, logger: logger)
            try await Self.audit(at, actor, "user.add", user.name,
                                 UserRules.addedDetail(user), on: c, logger: logger)
        }
    }

    public func setPassword(_ name: String, passwordHash: String, actor: String, at: EpochSeconds) async throws {
        try await transaction("changing the password of \(name)") { c in
            guard try await Self.ids(c, logger, "UPDATE web_user SET password_hash = \(passwordHash) WHERE name = \(name) RETURNING 1::bigint").count == 1 else {
                throw Self.noUser(name)
            }
            try await c.query("DELETE FROM web_session WHERE \"user\" = \(name)", logger: logger)
            try await Self.audit(at, actor, "user.passwd", name, "", on: c, logger: logger)
        }
    }

    public func setDisabled(_ name: String, _ disabled: Bool, actor: String, at: EpochSeconds) async throws {
        try await transaction("\(disabled ? "disabling" : "enabling") user \(name)") { c in
            guard try await Self.ids(c, logger, "UPDATE web_user SET disabled = \(disabled) WHERE name = \(name) RETURNING 1::bigint").count == 1 else {
                throw Self.noUser(name)
            }
            if disabled {
                try await c.query("DELETE FROM web_session WHERE \"user\" = \(name)", logger: logger)
                try await c.query("DELETE FROM api_token WHERE \"user\" = \(name)", logger: logger)
            }
            try await Self.audit(at, actor, UserRules.disabledAction(disabled), name, "", on: c, logger: logger)
        }
    }

    public func users() async throws -> [WebUser] {
        try await webUsers("reading users", "SELECT name, display_name, role, sites, disabled, password_hash FROM web_user ORDER BY name").map(\.0)
    }

    public func credentials(of name: String) async throws -> (user: WebUser, passwordHash: String)? {
        try await webUsers("reading user \(name)", "SELECT name, display_name, role, sites, disabled, password_hash FROM web_user WHERE name = \(name)")
            .first.map { (user: $0.0, passwordHash: $0.1) }
    }

    public func createSession(tokenSHA256: String, user: String, csrf: String, at: EpochSeconds) async throws {
        try await transaction("opening a session for \(user)") { c in
            try await c.query("DELETE FROM web_session WHERE \"user\" = \(user) AND last_seen_s < \(UserRules.staleBefore(at))", logger: logger)
            try await c.query("""
                INSERT INTO web_session (token_sha256, "user", csrf, created_s, last_seen_s) VALUES (\(tokenSHA256), \(user), \(csrf), \(at), \(at))
                """, logger: logger)
        }
    }

    public func session(tokenSHA256: String, idle: EpochSeconds, now: EpochSeconds) async throws -> (user: WebUser, csrf: String)? {
        let rows = try await run("reading a session", """
            SELECT u.name, u.display_name, u.role, u.sites, u.disabled, s.csrf, s.last_seen_s FROM web_session s JOIN web_user u ON u.name = s."user"
            WHERE s.token_sha256 = \(tokenSHA256)
            """)
        var found: (WebUser, String, EpochSeconds)?
        for try await (name, display, role, sites, disabled, csrf, last) in rows.decode((String, String, String, String, Bool, String, Int64).self) {
            found = (Self.user(name, display, role, sites, disabled), csrf, last)
        }
        guard let (user, csrf, last) = found else { return nil }
        guard case .valid(let noteUse) = UserRules.check(user, lastSeen: last, idle: idle, now: now) else {
            try await deleteSession(tokenSHA256: tokenSHA256)
            return nil
        }
        if noteUse { _ = try await run("noting a session's use", "UPDATE web_session SET last_seen_s = \(now) WHERE token_sha256 = \(tokenSHA256)") }
        return (user, csrf)
    }

    public func deleteSession(tokenSHA256: String) async throws {
        _ = try await run("ending a session", "DELETE FROM web_session WHERE token_sha256 = \(tokenSHA256)")
    }

    public func addToken(tokenSHA256: String, label: String, user: String, actor: String, at: EpochSeconds) async throws {
        try await transaction("adding an API token for \(user)") { c in
            guard try await !Self.ids(c, logger, "SELECT 1::bigint FROM web_user WHERE name = \(user)").isEmpty else { throw Self.noUser(user) }
            try await c.query("INSERT INTO api_token (token_sha256, label, \"user\", created_s) VALUES (\(tokenSHA256), \(label), \(user), \(at))",
                              logger: logger)
            try await Self.audit(at, actor, "token.add", user, label, on: c, logger: logger)
        }
    }

    public func tokenUser(tokenSHA256: String) async throws -> WebUser? {
        try await webUsers("reading an API token", """
            SELECT u.name, u.display_name, u.role, u.sites, u.disabled, u.password_hash FROM api_token t JOIN web_user u ON u.name = t."user"
            WHERE t.token_sha256 = \(tokenSHA256)
            """).first.map(\.0).flatMap { UserRules.tokenUser($0) }
    }

    public func audit(actor: String, action: String, object: String, detail: String, at: EpochSeconds) async throws {
        try await transaction("writing the audit log") { c in try await Self.audit(at, actor, action, object, detail, on: c, logger: logger) }
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        let rows = try await run("reading the audit log", "SELECT at_s, actor, action, object, detail FROM audit_log ORDER BY id DESC LIMIT \(limit)")
        var out: [AuditEntry] = []
        for try await (at, actor, action, object, detail) in rows.decode((Int64, String, String, String, String).self) {
            out.append(AuditEntry(at: at, actor: actor, action: action, object: object, detail: detail))
        }
        return out
    }

    func webUsers(_ operation: String, _ query: PostgresQuery) async throws -> [(WebUser, String)] {
        var out: [(WebUser, String)] = []
        for try await (name, display, role, sites, disabled, hash) in try await run(operation, query).decode((String, String, String, String, Bool, String).self) {
            out.append((Self.user(name, display, role, sites, disabled), hash))
        }
        return out
    }

    static func user(_ name: String, _ display: String, _ role: String, _ sites: String, _ disabled: Bool) -> WebUser {
        WebUser(name: name, displayName: display, role: Role(rawValue: role) ?? .opd, sites: sites.split(separator: ",").map(String.init), disabled: disabled)
    }

    static func audit(_ at: EpochSeconds, _ actor: String, _ action: String, _ object: String, _ detail: String, on c: PostgresConnection,
                      logger: Logger) async throws {
        try await c.query("INSERT INTO audit_log (at_s, actor, action, object, detail) VALUES (\(at), \(actor), \(action), \(object), \(detail))",
                          logger: logger)
    }

    static func noUser(_ name: String) -> PantauError { UserRules.noUser(name) }
}

/// Charts: five-minute ICMP buckets (the rollups every engine writes).
extension PostgresStore: SeriesStore {
    public func icmpSeries(target: String, range: TimeRange) async throws -> [ICMPBucket] {
        let rows = try await run("reading the ICMP series of \(target)", """
            SELECT bucket_s, sent, received, rtt_sum_ms, rtt_samples FROM icmp_rollup
            WHERE target = \(target) AND resolution_s = 300 AND bucket_s >= \(range.start - 300) AND bucket_s < \(range.end) ORDER BY bucket_s
            """)
        var out: [ICMPBucket] = []
        for try await (start, sent, received, sum, samples) in rows.decode((Int64, Int32, Int32, Double, Int32).self) {
            out.append(ICMPBucket(start: start, rttMs: samples > 0 ? sum / Double(samples) : nil,
                                  lossPct: sent > 0 ? Double(sent - received) * 100 / Double(sent) : 0))
        }
        return out
    }
}

extension PostgresStore {
    public func tokens(user: String?) async throws -> [APIToken] {
        let rows = try await run("reading the API tokens", """
            SELECT token_sha256, label, "user", created_s FROM api_token WHERE \(user)::text IS NULL OR "user" = \(user) ORDER BY created_s, "user"
            """)
        var out: [APIToken] = []
        for try await (hash, label, user, created) in rows.decode((String, String, String, Int64).self) {
            out.append(APIToken(hash: hash, label: label, user: user, createdAt: created))
        }
        return out
    }

    public func revokeToken(id: String, actor: String, at: EpochSeconds) async throws -> APIToken {
        try await transaction("revoking an API token") { c in
            var all: [(String, String, String, Int64)] = []
            for try await row in try await c.query("SELECT token_sha256, label, \"user\", created_s FROM api_token FOR UPDATE", logger: logger)
                .decode((String, String, String, Int64).self) { all.append(row) }
            let hash = try APIToken.match(id, in: all.map(\.0))
            let row = all.first { $0.0 == hash }!
            let token = APIToken(hash: hash, label: row.1, user: row.2, createdAt: row.3)
            try await c.query("DELETE FROM api_token WHERE token_sha256 = \(hash)", logger: logger)
            try await Self.audit(at, actor, "token.revoke", token.user, "\(token.label) (\(token.id))", on: c, logger: logger)
            return token
        }
    }
}
