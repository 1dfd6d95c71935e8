/// How to talk to an agent: SNMP version and its secrets. `description` never shows a secret,
/// so a credential can be logged or put in an error safely.
public struct SNMPCredentials: Sendable, Hashable, CustomStringConvertible {
    public enum Version: String, Sendable, Hashable { case v1 = "1", v2c = "2c", v3 = "3" }
    public enum AuthProtocol: String, Sendable, Hashable { case sha = "SHA", sha256 = "SHA-256" }
    public enum PrivProtocol: String, Sendable, Hashable { case aes = "AES" }

    /// The profile name from the credentials file (what logs show).
    public var profile: String
    public var version: Version
    public var community: Secret
    public var user: String
    public var authProtocol: AuthProtocol?
    public var authPassword: Secret
    public var privProtocol: PrivProtocol?
    public var privPassword: Secret
    /// The engine ID (hex, `0x…`) the device sends v3 traps with; needed to receive them.
    public var engineID: String?

    public init(profile: String, version: Version, community: Secret = "", user: String = "",
                authProtocol: AuthProtocol? = nil, authPassword: Secret = "",
                privProtocol: PrivProtocol? = nil, privPassword: Secret = "") {
        self.profile = profile
        self.version = version
        self.community = community
        self.user = user
        self.authProtocol = authProtocol
        self.authPassword = authPassword
        self.privProtocol = privProtocol
        self.privPassword = privPassword
    }

    public static func v2c(_ community: String, profile: String = "v2c") -> SNMPCredentials {
        SNMPCredentials(profile: profile, version: .v2c, community: Secret(community))
    }

    public static func v3(user: String, auth: AuthProtocol, authPassword: String, priv: PrivProtocol?,
                          privPassword: String, profile: String = "v3") -> SNMPCredentials {
        SNMPCredentials(profile: profile, version: .v3, user: user, authProtocol: auth, authPassword: Secret(authPassword),
                        privProtocol: priv, privPassword: Secret(privPassword))
    }

    public var description: String {
        switch version {
        case .v1, .v2c: "profile \(profile) (SNMPv\(version.rawValue))"
        case .v3:
            "profile \(profile) (SNMPv3 user \(user), \(authProtocol?.rawValue ?? "noAuth")/\(privProtocol?.rawValue ?? "noPriv"))"
        }
    }
}
