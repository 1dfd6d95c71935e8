@preconcurrency import CNetSNMP
import PantauCore
import Foundation
import PantauProbes

/// A notification receiver on the I/O loop: a net-snmp server transport added as a session.
/// v1 and v2c communities are checked by the caller (they name a device); v3 users are
/// registered with USM here, so authentication and decryption happen in net-snmp.
final class NetSNMPListener: @unchecked Sendable {
    let address: String
    let v3Users: [(engineID: String, credentials: SNMPCredentials)]
    let onTrap: @Sendable (SNMPTrap) -> Void
    let onReject: @Sendable (SNMPTrapRejection) -> Void
    let onOpen: @Sendable (String?) -> Void
    var handle: UnsafeMutableRawPointer?
    /// Set when net-snmp handed the datagram being read to the callback (I/O thread only).
    var handedOver = false

    init(address: String, v3Users: [(engineID: String, credentials: SNMPCredentials)],
         onOpen: @escaping @Sendable (String?) -> Void,
         onTrap: @escaping @Sendable (SNMPTrap) -> Void, onReject: @escaping @Sendable (SNMPTrapRejection) -> Void) {
        self.address = address
        self.v3Users = v3Users
        self.onOpen = onOpen
        self.onTrap = onTrap
        self.onReject = onReject
    }

    /// Opens the server socket (I/O thread). Reports nil or the error through `onOpen`.
    func open() {
        for (engineID, c) in v3Users {
            var line = "-e \(engineID) \(c.user)"
            if let a = c.authProtocol { line += " \(a.rawValue) \(c.authPassword.reveal())" }
            if c.privProtocol == .aes { line += " AES \(c.privPassword.reveal())" }
            line.withCString { p in
                let copy = strdup(p)
                usm_parse_create_usmUser(nil, copy)
                free(copy)
            }
        }
        guard let transport = netsnmp_transport_open_server("pantau", address) else {
            onOpen("cannot listen for traps on \(address) (address in use or not permitted)")
            return
        }
        var s = netsnmp_session()
        snmp_sess_init(&s)
        s.peername = nil
        s.version = Int(SNMP_DEFAULT_VERSION)
        s.community_len = Int(SNMP_DEFAULT_COMMUNITY_LEN)
        s.retries = Int32(SNMP_DEFAULT_RETRIES)
        s.timeout = Int(SNMP_DEFAULT_TIMEOUT)
        s.callback = netSNMPTrapCallback
        s.callback_magic = Unmanaged.passUnretained(self).toOpaque()
        s.isAuthoritative = UInt8(SNMP_SESS_UNKNOWNAUTH)
        handle = snmp_sess_add(&s, transport, nil, nil)
        onOpen(handle == nil ? "cannot add the trap session on \(address)" : nil)
    }

    func close() {
        if let h = handle { snmp_sess_close(h) }
        handle = nil
    }

    func received(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) {
        handedOver = true
        let p = pdu.pointee
        let raw = pantau_pdu_source_ipv4(pdu)
        let source = raw == 0 ? "" : withUnsafeBytes(of: raw) { $0.map(String.init).joined(separator: ".") }
        let command = Int32(p.command)
        guard command == pantau_MSG_TRAP || command == pantau_MSG_TRAP2 || command == pantau_MSG_INFORM else {
            // net-snmp hands failed v3 authentication over as command 0.
            onReject(SNMPTrapRejection(source: source, reason: command == 0 ? .badCredentials : .garbled))
            return
        }
        if command == pantau_MSG_INFORM, let h = handle, let reply = snmp_clone_pdu(pdu) {
            reply.pointee.command = pantau_MSG_RESPONSE
            reply.pointee.errstat = 0
            reply.pointee.errindex = 0
            if snmp_sess_send(h, reply) == 0 { snmp_free_pdu(reply) }
        }
        let binds = varBinds(of: pdu)
        let version: SNMPTrap.Version
        switch Int(p.version) {
        case Int(pantau_VERSION_1): version = .v1
        case Int(pantau_VERSION_2c): version = .v2c
        default: version = .v3
        }
        var community: String?
        if version != .v3, let c = p.community {
            community = String(decoding: UnsafeBufferPointer(start: c, count: p.community_len), as: UTF8.self)
        }
        let user = version == .v3 ? p.securityName.map { String(cString: $0) } : nil
        let trapOID: OID
        if command == pantau_MSG_TRAP {
            switch p.trap_type {
            case 0...5: trapOID = OID([1, 3, 6, 1, 6, 3, 1, 1, 5, UInt32(p.trap_type + 1)])
            default:
                let ent = p.enterprise.map { OID($0, count: Int(p.enterprise_length)) } ?? OID([0, 0])
                trapOID = OID(ent.arcs + [0, UInt32(truncatingIfNeeded: p.specific_type)])
            }
        } else {
            guard let t = binds.first(where: { $0.oid == SNMPObjects.snmpTrapOID }), case .oid(let o) = t.value else {
                onReject(SNMPTrapRejection(source: source, reason: .garbled))
                return
            }
            trapOID = o
        }
        onTrap(SNMPTrap(source: source, version: version, community: community, user: user, trapOID: trapOID, varBinds: binds))
    }
}

let netSNMPTrapCallback: netsnmp_callback = { op, _, _, pdu, magic in
    guard let magic, op == pantau_OP_RECEIVED, let pdu else { return 1 }
    Unmanaged<NetSNMPListener>.fromOpaque(magic).takeUnretainedValue().received(pdu)
    return 1
}
