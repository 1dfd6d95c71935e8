import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store: UserStore {
    public func addUser(_ user: WebUser, passwordHash: String, actor: String, at: EpochSeconds) async throws {
        try await write("adding user \(user.name)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM web_user WHERE name = ?", arguments: [user.name]) == true {
                throw UserRules.nameTaken(user.name)
            }
            try db.execute(sql: """
                INSERT INTO web_user (name, display_name, role, sites, password_hash, disabled, created_s) VALUES (?, ?, ?, ?, ?, 0, ?)
                """, arguments: [user.name, user.displayName, user.role.rawValue, user.sites.joined(separator: ","), passwordHash, at])
            try Self.audit(db, at, actor, "user.add", user.name, UserRules.addedDetail(user))
        }
    }

    public func setPassword(_ name: String, passwordHash: String, actor: String, at: EpochSeconds) async throws {
        try await write("changing the password of \(name)") { db in
            try db.execute(sql: "UPDATE web_user SET password_hash = ? WHERE name = ?", arguments: [passwordHash, name])
            guard db.changesCount == 1 else { throw Self.noUser(name) }
            // A new password ends every session of the user.
            try db.execute(sql: "DELETE FROM web_session WHERE user = ?", arguments: [name])
            try Self.audit(db, at, actor, "user.passwd", name, "")
        }
    }

    public func setDisabled(_ name: String, _ disabled: Bool, actor: String, at: EpochSeconds) async throws {
        try await write("\(disabled ? "disabling" : "enabling") user \(name)") { db in
            try db.execute(sql: "UPDATE web_user SET disabled = ? WHERE name = ?", arguments: [disabled, name])
            guard db.changesCount == 1 else { throw Self.noUser(name) }
            if disabled {
                try db.execute(sql: "DELETE FROM web_session WHERE user = ?", arguments: [name])
                try db.execute(sql: "DELETE FROM api_token WHERE user = ?", arguments: [name])
            }
            try Self.audit(db, at, actor, UserRules.disabledAction(disabled), name, "")
        }
    }

    public func users() async throws -> [WebUser] {
        try await read("reading users") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM web_user ORDER BY name").map(Self.user)
        }
    }

    public func credentials(of name: String) async throws -> (user: WebUser, passwordHash: String)? {
        try await read("reading user \(name)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM web_user WHERE name = ?", arguments: [name]).map { (Self.user($0), $0["password_hash"]) }
        }
    }

    public func createSession(tokenSHA256: String, user: String, csrf: String, at: EpochSeconds) async throws {
        try await write("opening a session for \(user)") { db in
            try db.execute(sql: "DELETE FROM web_session WHERE user = ? AND last_seen_s < ?", arguments: [user, UserRules.staleBefore(at)])
            try db.execute(sql: "INSERT INTO web_session (token_sha256, user, csrf, created_s, last_seen_s) VALUES (?, ?, ?, ?, ?)",
                           arguments: [tokenSHA256, user, csrf, at, at])
        }
    }

    public func session(tokenSHA256: String, idle: EpochSeconds, now: EpochSeconds) async throws -> (user: WebUser, csrf: String)? {
        // A read per request; a write only to end an expired session or, at most once a minute,
        // to note its use (page loads must not queue behind the engine's writes, nor it behind them).
        let found = try await read("reading a session") { db -> (WebUser, String, EpochSeconds)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.*, s.csrf, s.last_seen_s FROM web_session s JOIN web_user u ON u.name = s.user WHERE s.token_sha256 = ?
                """, arguments: [tokenSHA256]) else { return nil }
            return (Self.user(row), row["csrf"], row["last_seen_s"])
        }
        guard let (user, csrf, last) = found else { return nil }
        guard case .valid(let noteUse) = UserRules.check(user, lastSeen: last, idle: idle, now: now) else {
            try await deleteSession(tokenSHA256: tokenSHA256)
            return nil
        }
        if noteUse {
            try await write("noting a session's use") { db in
                try db.execute(sql: "UPDATE web_session SET last_seen_s = ? WHERE token_sha256 = ?", arguments: [now, tokenSHA256])
            }
        }
        return (user, csrf)
    }

    public func deleteSession(tokenSHA256: String) async throws {
        try await write("ending a session") { db in
            try db.execute(sql: "DELETE FROM web_session WHERE token_sha256 = ?", arguments: [tokenSHA256])
        }
    }

    public func addToken(tokenSHA256: String, label: String, user: String, actor: String, at: EpochSeconds) async throws {
        try await write("adding an API token for \(user)") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM web_user WHERE name = ?", arguments: [user]) == true else { throw Self.noUser(user) }
            try db.execute(sql: "INSERT INTO api_token (token_sha256, label, user, created_s) VALUES (?, ?, ?, ?)",
                           arguments: [tokenSHA256, label, user, at])
            try Self.audit(db, at, actor, "token.add", user, label)
        }
    }

    public func tokenUser(tokenSHA256: String) async throws -> WebUser? {
        try await read("reading an API token") { db in
            try Row.fetchOne(db, sql: "SELECT u.* FROM api_token t JOIN web_user u ON u.name = t.user WHERE t.token_sha256 = ?",
                             arguments: [tokenSHA256]).map(Self.user).flatMap { UserRules.tokenUser($0) }
        }
    }

    public func audit(actor: String, action: String, object: String, detail: String, at: EpochSeconds) async throws {
        try await write("writing the audit log") { db in try Self.audit(db, at, actor, action, object, detail) }
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await read("reading the audit log") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(at: $0["at_s"], actor: $0["actor"], action: $0["action"], object: $0["object"], detail: $0["detail"])
            }
        }
    }

    static func audit(_ db: Database, _ at: EpochSeconds, _ actor: String, _ action: String, _ object: String, _ detail: String) throws {
        try db.execute(sql: "INSERT INTO audit_log (at_s, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [at, actor, action, object, detail])
    }

    static func user(_ r: Row) -> WebUser {
        let sites: String = r["sites"]
        return WebUser(name: r["name"], displayName: r["display_name"], role: Role(rawValue: r["role"]) ?? .opd,
                       sites: sites.split(separator: ",").map(String.init), disabled: r["disabled"])
    }

    static func noUser(_ name: String) -> PantauError { UserRules.noUser(name) }
}

extension Store {
    public func tokens(user: String?) async throws -> [APIToken] {
        try await read("reading the API tokens") { db in
            try Row.fetchAll(db, sql: "SELECT token_sha256, label, user, created_s FROM api_token WHERE ? IS NULL OR user = ? ORDER BY created_s, user",
                             arguments: [user, user]).map {
                APIToken(hash: $0["token_sha256"], label: $0["label"], user: $0["user"], createdAt: $0["created_s"])
            }
        }
    }

    public func revokeToken(id: String, actor: String, at: EpochSeconds) async throws -> APIToken {
        try await write("revoking an API token") { db in
            let hashes = try String.fetchAll(db, sql: "SELECT token_sha256 FROM api_token")
            let hash = try APIToken.match(id, in: hashes)
            let row = try Row.fetchOne(db, sql: "SELECT token_sha256, label, user, created_s FROM api_token WHERE token_sha256 = ?", arguments: [hash])!
            let token = APIToken(hash: hash, label: row["label"], user: row["user"], createdAt: row["created_s"])
            try db.execute(sql: "DELETE FROM api_token WHERE token_sha256 = ?", arguments: [hash])
            try Self.audit(db, at, actor, "token.revoke", token.user, "\(token.label) (\(token.id))")
            return token
        }
    }
}
