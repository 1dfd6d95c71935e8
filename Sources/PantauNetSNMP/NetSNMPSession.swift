@preconcurrency import CNetSNMP
import PantauCore
import Foundation
import PantauProbes

/// Opens a net-snmp single-session handle for a peer. The secrets go into net-snmp's own
/// structures (v3 passwords are localised into keys at once) and never into a message.
enum NetSNMPSession {
    /// `engineID`: the agent's SNMPv3 engine ID when already known (`SNMPv3Discovery`); without
    /// it net-snmp probes for it synchronously inside `snmp_sess_open`.
    static func open(host: String, port: UInt16, credentials c: SNMPCredentials, timeoutSeconds: Double,
                     retries: Int, engineID: [UInt8]? = nil) throws(SNMPFailure) -> UnsafeMutableRawPointer {
        NetSNMPLibrary.ensure()
        var s = netsnmp_session()
        snmp_sess_init(&s)
        var owned: [UnsafeMutableRawPointer?] = []
        defer { owned.forEach { free($0) } }
        let peer = strdup(host.contains(":") ? "udp6:[\(host)]:\(port)" : "udp:\(host):\(port)")
        owned.append(peer)
        s.peername = peer
        s.timeout = Int(timeoutSeconds * 1_000_000)
        s.retries = Int32(retries)
        switch c.version {
        case .v1, .v2c:
            s.version = c.version == .v1 ? Int(pantau_VERSION_1) : Int(pantau_VERSION_2c)
            let community = strdup(c.community.reveal())
            owned.append(community)
            s.community = UnsafeMutableRawPointer(community!).assumingMemoryBound(to: u_char.self)
            s.community_len = strlen(community!)
        case .v3:
            s.version = Int(pantau_VERSION_3)
            if let engineID, !engineID.isEmpty, let copy = malloc(engineID.count) {
                owned.append(copy)
                engineID.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: engineID.count) }
                s.securityEngineID = copy.assumingMemoryBound(to: u_char.self)
                s.securityEngineIDLen = engineID.count
            }
            let user = strdup(c.user)
            owned.append(user)
            s.securityName = user
            s.securityNameLen = strlen(user!)
            guard let auth = c.authProtocol else {
                s.securityLevel = Int32(pantau_SEC_LEVEL_NOAUTH)
                break
            }
            let (ap, apLen) = auth == .sha
                ? (pantau_usmHMACSHA1AuthProtocol()!, pantau_usmHMACSHA1AuthProtocolLen())
                : (pantau_usmHMAC192SHA256AuthProtocol()!, pantau_usmHMAC192SHA256AuthProtocolLen())
            let authProto = snmp_duplicate_objid(ap, apLen)
            owned.append(authProto)
            s.securityAuthProto = authProto
            s.securityAuthProtoLen = apLen
            s.securityAuthKeyLen = Int(USM_AUTH_KU_LEN)
            let rc = withUnsafeMutableBytes(of: &s.securityAuthKey) { key in
                c.authPassword.reveal().withCString { pw in
                    generate_Ku(ap, UInt32(apLen), UnsafeRawPointer(pw).assumingMemoryBound(to: u_char.self),
                                strlen(pw), key.baseAddress!.assumingMemoryBound(to: u_char.self), &s.securityAuthKeyLen)
                }
            }
            guard rc == SNMPERR_SUCCESS else { throw SNMPFailure(.session, "cannot derive the auth key for \(c)") }
            if c.privProtocol == .aes {
                s.securityLevel = Int32(pantau_SEC_LEVEL_AUTHPRIV)
                let privProto = snmp_duplicate_objid(pantau_usmAESPrivProtocol(), pantau_usmAESPrivProtocolLen())
                owned.append(privProto)
                s.securityPrivProto = privProto
                s.securityPrivProtoLen = pantau_usmAESPrivProtocolLen()
                s.securityPrivKeyLen = Int(USM_PRIV_KU_LEN)
                let rc2 = withUnsafeMutableBytes(of: &s.securityPrivKey) { key in
                    c.privPassword.reveal().withCString { pw in
                        generate_Ku(ap, UInt32(apLen), UnsafeRawPointer(pw).assumingMemoryBound(to: u_char.self),
                                    strlen(pw), key.baseAddress!.assumingMemoryBound(to: u_char.self), &s.securityPrivKeyLen)
                    }
                }
                guard rc2 == SNMPERR_SUCCESS else { throw SNMPFailure(.session, "cannot derive the privacy key for \(c)") }
            } else {
                s.securityLevel = Int32(pantau_SEC_LEVEL_AUTHNOPRIV)
            }
        }
        guard let handle = snmp_sess_open(&s) else {
            throw SNMPFailure(.session, "cannot open an SNMP session to \(host):\(port) with \(c)")
        }
        return handle
    }
}
