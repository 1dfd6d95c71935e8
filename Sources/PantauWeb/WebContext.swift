import Hummingbird
import NIOCore
import PantauCore
import PantauHelpdesk

/// Who is asking, once the session cookie or API token has been checked.
public struct Identity: Sendable {
    public var user: WebUser
    /// The session's CSRF token (nil for an API token, which is not a cookie and cannot be forged by another site).
    public var csrf: String?
    /// SHA-256 of the session cookie (to end it at logout).
    public var sessionHash: String?
    /// SHA-256 of the API token it came with (a live stream checks it is still valid).
    public var tokenHash: String? = nil
    public var access: Access { Access(user) }
}

/// The request context of every route: the identity (nil: not logged in) and the language.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public var lang: WebLanguage = .id
    /// The client's address as the server saw it (throttling and the audit log); nil in router tests.
    public let remote: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remote = source.channel.remoteAddress?.ipAddress
    }

    /// The client's address, or "local" when the request did not come over a socket.
    public var remoteAddress: String { remote ?? "local" }

    /// The identity, or 401 (API) / a redirect to the login page (pages) is thrown by the caller.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw HTTPError(.unauthorized, message: "log in, or send an API token: Authorization: Bearer pnt_...") }
        return identity
    }
}

/// The languages of the pages: Bahasa Indonesia first, English available.
public enum WebLanguage: String, Sendable, CaseIterable {
    case id, en
}

extension Identity {
    /// The user as the helpdesk's use cases name them (audit account, ledger name).
    var actor: TicketActor { TicketActor(account: user.name, displayName: user.displayName) }
}
