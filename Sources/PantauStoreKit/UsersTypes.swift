import Foundation
import PantauCore

/// Dashboard users, sessions, API tokens and the audit log.
public protocol UserStore: Sendable {
    func addUser(_ user: WebUser, passwordHash: String, actor: String, at: EpochSeconds) async throws
    func setPassword(_ name: String, passwordHash: String, actor: String, at: EpochSeconds) async throws
    func setDisabled(_ name: String, _ disabled: Bool, actor: String, at: EpochSeconds) async throws
    func users() async throws -> [WebUser]
    /// The user and its password hash (for checking a login), or nil.
    func credentials(of name: String) async throws -> (user: WebUser, passwordHash: String)?
    func createSession(tokenSHA256: String, user: String, csrf: String, at: EpochSeconds) async throws
    /// The session's user and CSRF token when it exists, its user is enabled, and it was used
    /// within `idle` seconds (then its last use becomes `now`); nil otherwise.
    func session(tokenSHA256: String, idle: EpochSeconds, now: EpochSeconds) async throws -> (user: WebUser, csrf: String)?
    func deleteSession(tokenSHA256: String) async throws
    func addToken(tokenSHA256: String, label: String, user: String, actor: String, at: EpochSeconds) async throws
    func tokenUser(tokenSHA256: String) async throws -> WebUser?
    /// The API tokens (of one user, or all), by their id: the first 12 hex digits of the hash.
    func tokens(user: String?) async throws -> [APIToken]
    /// Revokes the one token whose id starts with `id` (at least 8 hex digits); its live streams end.
    func revokeToken(id: String, actor: String, at: EpochSeconds) async throws -> APIToken
    func audit(actor: String, action: String, object: String, detail: String, at: EpochSeconds) async throws
    func auditLog(limit: Int) async throws -> [AuditEntry]
}

/// An API token as listed: never the token, its id is the start of its hash.
public struct APIToken: Sendable, Hashable {
    public var id: String
    public var label: String
    public var user: String
    public var createdAt: EpochSeconds
    public init(hash: String, label: String, user: String, createdAt: EpochSeconds) {
        id = String(hash.prefix(12))
        self.label = label
        self.user = user
        self.createdAt = createdAt
    }

    /// The one token among `all` (hashes) that `id` names, or why not.
    public static func match(_ id: String, in hashes: [String]) throws -> String {
        let id = id.lowercased()
        guard id.count >= 8, id.allSatisfy(\.isHexDigit) else {
            throw PantauError(.invalidInput, operation: "revoking an API token", subject: id, message: "give at least 8 hex digits of its id (pantau user token list)")
        }
        let found = hashes.filter { $0.hasPrefix(id) }
        guard found.count == 1 else {
            throw PantauError(.invalidInput, operation: "revoking an API token", subject: id,
                              message: found.isEmpty ? "no token has this id (pantau user token list)" : "\(found.count) tokens start with it: give more digits")
        }
        return found[0]
    }
}

/// One line of the audit log: who did what to which object, when.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var at: EpochSeconds
    public var actor: String
    public var action: String
    public var object: String
    public var detail: String

    public init(at: EpochSeconds, actor: String, action: String, object: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.object = object
        self.detail = detail
    }
}
