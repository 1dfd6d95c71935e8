import PantauCore
/// A notification as received, before anyone decides what it means. Carries no secret:
/// the community is kept only as "matched or not" by the receiver's caller.
public struct SNMPTrap: Sendable, Hashable {
    public enum Version: String, Sendable, Hashable { case v1 = "1", v2c = "2c", v3 = "3" }
    /// Sender's IPv4 address in dotted form ("" when unknown).
    public var source: String
    public var version: Version
    /// The community (v1/v2c) — compared with the sender's profile, never logged.
    public var community: String?
    /// The USM user (v3); authentication was already checked by net-snmp.
    public var user: String?
    /// snmpTrapOID.0 (v1 traps are translated as RFC 3584 says).
    public var trapOID: OID
    public var varBinds: [VarBind]

    public init(source: String, version: Version, community: String?, user: String?, trapOID: OID, varBinds: [VarBind]) {
        self.source = source
        self.version = version
        self.community = community
        self.user = user
        self.trapOID = trapOID
        self.varBinds = varBinds
    }
}

/// Something a trap receiver could not accept: counted and logged once per sender and reason.
public struct SNMPTrapRejection: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        case badCredentials = "bad-credentials", unknownSender = "unknown-sender", garbled
    }
    public var source: String
    public var reason: Reason
    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }
}
