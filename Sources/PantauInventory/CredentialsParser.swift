import Foundation
import PantauCore
import Yams

/// Parses the SNMP credentials file (not committed; see `inventory/credentials.example.yaml`).
/// Values may be `${ENV_NAME}`, read from the environment. Errors name the field and the
/// variable, never a value.
struct CredentialsParser {
    let reader: YAMLReader
    let environment: [String: String]
    /// False for commands that only read (status, availability, tickets): an unset `${NAME}`
    /// is then left empty instead of an error, since they never send anything.
    var requireSecrets = true
    var file: String { reader.file }

    static let keys: Set<String> = ["version", "community", "user", "auth", "auth_password", "priv", "priv_password", "engine_id"]

    /// Profiles by name, with their lines; plus engine IDs for v3 trap senders by profile.
    func parse(_ text: String) -> [String: (SNMPCredentials, Int)] {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["profiles"]) else { return [:] }
        var out: [String: (SNMPCredentials, Int)] = [:]
        for (_, _, profiles) in top {
            for (name, line, node) in r.mapping(profiles, "profiles") ?? [] {
                if let c = profile(name, node) { out[name] = (c, line) }
            }
        }
        return out
    }

    func profile(_ name: String, _ node: Node) -> SNMPCredentials? {
        let r = reader
        let p = "profiles.\(name)"
        guard let m = r.mapping(node, p, allowed: Self.keys) else { return nil }
        var values: [String: (String, Int)] = [:]
        for (key, _, v) in m {
            guard let raw = r.string(v, "\(p).\(key)") else { continue }
            guard let s = expand(raw, "\(p).\(key)", r.line(v)) else { continue }
            values[key] = (s, r.line(v))
        }
        func require(_ key: String) -> String? {
            if let v = values[key]?.0, !v.isEmpty { return v }
            if !m.contains(where: { $0.key == key }) { reader.sink.add(file, r.line(node), "\(p).\(key)", "required key is missing") }
            else if values[key]?.0.isEmpty == true { reader.sink.add(file, values[key]!.1, "\(p).\(key)", "must not be empty") }
            return nil
        }
        guard let version = require("version") else { return nil }
        switch version {
        case "1", "2c":
            guard let community = require("community") else { return nil }
            return SNMPCredentials(profile: name, version: version == "1" ? .v1 : .v2c, community: Secret(community))
        case "3":
            guard let user = require("user") else { return nil }
            var c = SNMPCredentials(profile: name, version: .v3, user: user)
            if let a = values["auth"] {
                guard let proto = SNMPCredentials.AuthProtocol(rawValue: a.0.uppercased()) else {
                    reader.sink.add(file, a.1, "\(p).auth", "not a supported auth protocol (SHA or SHA-256); values in this file are never shown")
                    return nil
                }
                c.authProtocol = proto
                guard let pw = require("auth_password") else { return nil }
                if pw.count < 8 { reader.sink.add(file, values["auth_password"]!.1, "\(p).auth_password", "must be at least 8 characters (RFC 3414)") }
                c.authPassword = Secret(pw)
            }
            if let pv = values["priv"] {
                guard pv.0.uppercased() == "AES" else {
                    reader.sink.add(file, pv.1, "\(p).priv", "not a supported privacy protocol (AES); values in this file are never shown")
                    return nil
                }
                guard c.authProtocol != nil else {
                    reader.sink.add(file, pv.1, "\(p).priv", "privacy needs auth (authPriv)")
                    return nil
                }
                c.privProtocol = .aes
                guard let pw = require("priv_password") else { return nil }
                if pw.count < 8 { reader.sink.add(file, values["priv_password"]!.1, "\(p).priv_password", "must be at least 8 characters (RFC 3414)") }
                c.privPassword = Secret(pw)
            }
            if let e = values["engine_id"] {
                let hex = e.0.hasPrefix("0x") ? String(e.0.dropFirst(2)) : e.0
                guard hex.count >= 10, hex.count <= 64, hex.count % 2 == 0, hex.allSatisfy(\.isHexDigit) else {
                    reader.sink.add(file, e.1, "\(p).engine_id", "must be 5-32 bytes in hex (e.g. 0x80001f8880...)")
                    return nil
                }
                c.engineID = "0x" + hex.lowercased()
            }
            return c
        default:
            reader.sink.add(file, values["version"]!.1, "\(p).version", "not an SNMP version (1, 2c or 3); values in this file are never shown")
            return nil
        }
    }

    /// Replaces `${NAME}` with the environment variable; an unset one is an error naming it.
    func expand(_ s: String, _ path: String, _ line: Int) -> String? {
        guard s.contains("${") else { return s }
        var out = ""
        var rest = Substring(s)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                reader.sink.add(file, line, path, "unterminated ${ in value")
                return nil
            }
            let name = String(rest[start.upperBound..<end])
            guard let v = environment[name] else {
                guard requireSecrets else { rest = rest[rest.index(after: end)...]; continue }
                reader.sink.add(file, line, path, "environment variable \(name) is not set")
                return nil
            }
            out += v
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
