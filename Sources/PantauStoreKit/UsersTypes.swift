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
    func audit(actor: String, action: String, object: String, detail: String, at: EpochSeconds) async throws
    func auditLog(limit: Int) async throws -> [AuditEntry]
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
