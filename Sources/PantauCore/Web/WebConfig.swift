/// The web face (`probes/web.yaml`): where it listens, TLS, sessions.
public struct WebConfig: Sendable, Hashable {
    /// Address to listen on; loopback by default (a reverse proxy or `listen: 0.0.0.0:8080`
    /// opens it to the intranet on purpose). Nil: no web face.
    public var host: String? = "127.0.0.1"
    public var port = 8080
    /// PEM files: when both are set the face serves HTTPS only and cookies are `Secure`.
    public var certificateFile: String?
    public var keyFile: String?
    /// A session ends after this long without a request.
    public var sessionIdleSeconds: EpochSeconds = 8 * 3600
    /// Language of pages for a user who has not chosen (`id` or `en`).
    public var language = "id"

    public init() {}

    public var tls: Bool { certificateFile != nil && keyFile != nil }
}
