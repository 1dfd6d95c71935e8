import PantauCore

/// Dashboard users, sessions and tokens, the same on every store: a name is taken once; a new
/// password or a disabled account ends every session, and a disabled account's tokens stop; a
/// session ends after `idle` seconds without use or when its user is disabled, and its use is
/// written at most once a minute; sessions unused for a week are dropped at the user's next login.
public enum UserRules {
    public static func nameTaken(_ name: String) -> PantauError {
        PantauError(.invalidInput, operation: "adding a user", subject: name, message: "a user with this name exists")
    }

    public static func noUser(_ name: String) -> PantauError {
        PantauError(.notFound, operation: "finding the user", subject: name, message: "no such user")
    }

    /// The audit line's detail of a new user.
    public static func addedDetail(_ user: WebUser) -> String {
        "role \(user.role.rawValue)" + (user.sites.isEmpty ? "" : ", sites \(user.sites.joined(separator: ","))")
    }

    /// The audit action of enabling or disabling.
    public static func disabledAction(_ disabled: Bool) -> String { disabled ? "user.disable" : "user.enable" }

    /// Sessions last used before this are dropped when their user logs in again.
    public static func staleBefore(_ at: EpochSeconds) -> EpochSeconds { at - 7 * 86_400 }

    public enum SessionCheck: Sendable, Hashable {
        /// Ended: the store deletes it.
        case expired
        /// In force; `noteUse`: write its last use now.
        case valid(noteUse: Bool)
    }

    public static func check(_ user: WebUser, lastSeen: EpochSeconds, idle: EpochSeconds, now: EpochSeconds) -> SessionCheck {
        guard !user.disabled, now - lastSeen <= idle else { return .expired }
        return .valid(noteUse: now - lastSeen >= 60)
    }

    /// A token's user, unless disabled.
    public static func tokenUser(_ user: WebUser?) -> WebUser? { user.flatMap { $0.disabled ? nil : $0 } }
}
