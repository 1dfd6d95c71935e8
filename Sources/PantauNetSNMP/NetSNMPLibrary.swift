@preconcurrency import CNetSNMP
import PantauCore
import Foundation
import PantauProbes

/// net-snmp's process-wide setup, done once before any I/O thread starts
/// (`init_snmp` is not thread-safe). Numeric OIDs, no config files, no persistent state.
/// net-snmp's scratch folder for this process, removed at exit.
nonisolated(unsafe) var netSNMPStateDirectory: String?

enum NetSNMPLibrary {
    static let ready: Bool = {
        let tmp = FileManager.default.temporaryDirectory
        // Folders left by processes that were killed (kill -9 runs no exit handler).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix("pantau-netsnmp-") {
            if let pid = Int32(name.dropFirst("pantau-netsnmp-".count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: tmp.appendingPathComponent(name).path)
            }
        }
        let dir = tmp.appendingPathComponent("pantau-netsnmp-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        pantau_snmp_init(dir)
        netSNMPStateDirectory = dir
        atexit { if let d = netSNMPStateDirectory { try? FileManager.default.removeItem(atPath: d) } }
        return true
    }()

    static func ensure() { precondition(ready) }
}

extension OID {
    /// Copies net-snmp's arcs.
    init(_ name: UnsafePointer<oid>, count: Int) {
        self.init((0..<count).map { UInt32(truncatingIfNeeded: name[$0]) })
    }

    /// Calls `body` with the arcs as net-snmp's `oid` array.
    func withNetSNMP<R>(_ body: (UnsafePointer<oid>, Int) -> R) -> R {
        let raw = arcs.map { oid($0) }
        return raw.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}

extension SNMPValue {
    /// Decodes one net-snmp variable.
    init(_ v: netsnmp_variable_list) {
        let type = Int32(v.type)
        switch type {
        case Int32(pantau_ASN_INTEGER):
            self = .integer(Int64(v.val.integer?.pointee ?? 0))
        case Int32(pantau_ASN_COUNTER):
            self = .counter32(UInt32(truncatingIfNeeded: v.val.integer?.pointee ?? 0))
        case Int32(pantau_ASN_GAUGE):
            self = .gauge32(UInt32(truncatingIfNeeded: v.val.integer?.pointee ?? 0))
        case Int32(pantau_ASN_TIMETICKS):
            self = .timeticks(UInt32(truncatingIfNeeded: v.val.integer?.pointee ?? 0))
        case Int32(pantau_ASN_COUNTER64):
            if let c = v.val.counter64?.pointee {
                self = .counter64(UInt64(truncatingIfNeeded: c.high) << 32 | UInt64(truncatingIfNeeded: c.low) & 0xFFFF_FFFF)
            } else { self = .counter64(0) }
        case Int32(pantau_ASN_OCTET_STR), Int32(pantau_ASN_OPAQUE):
            if let p = v.val.string { self = .octets(Array(UnsafeBufferPointer(start: p, count: Int(v.val_len)))) }
            else { self = .octets([]) }
        case Int32(pantau_ASN_IPADDRESS):
            if let p = v.val.string, v.val_len >= 4 { self = .ipAddress(Array(UnsafeBufferPointer(start: p, count: 4))) }
            else { self = .ipAddress([]) }
        case Int32(pantau_ASN_OBJECT_ID):
            if let p = v.val.objid {
                self = .oid(OID(p, count: Int(v.val_len) / MemoryLayout<oid>.size))
            } else { self = .null }
        case Int32(pantau_ASN_NULL): self = .null
        case Int32(pantau_NOSUCHOBJECT): self = .noSuchObject
        case Int32(pantau_NOSUCHINSTANCE): self = .noSuchInstance
        case Int32(pantau_ENDOFMIBVIEW): self = .endOfMibView
        default: self = .other(type: Int(type))
        }
    }
}

/// The bindings of a PDU.
func varBinds(of pdu: UnsafeMutablePointer<netsnmp_pdu>) -> [VarBind] {
    var out: [VarBind] = []
    var v = pdu.pointee.variables
    while let vp = v {
        let name = OID(vp.pointee.name, count: Int(vp.pointee.name_length))
        out.append(VarBind(name, SNMPValue(vp.pointee)))
        v = vp.pointee.next_variable
    }
    return out
}
