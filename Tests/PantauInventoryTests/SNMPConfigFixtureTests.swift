import Foundation
import XCTest
import PantauCore
import PantauInventory

/// Devices, link ports, SNMP credentials and probes/snmp.yaml: every mistake named by file,
/// line and key path; secrets never in a message.
final class SNMPConfigFixtureTests: XCTestCase {
    static let network = """
        organization: Diskominfo Uji
        timezone: Asia/Jakarta
        calendar:
          workweek: [mon, tue, wed, thu, fri]
          hours: "08:00-16:00"
          holidays: [libur.csv]
        sla: {availability_target_pct: 90, repair_working_days: 3}
        sites:
          - {id: dc, name: Pusat Data, role: core}
          - {id: bkd, name: BKD, uplinks: [fo-bkd]}
        links:
          - {id: fo-bkd, kind: fo-underground, from: dc, to: bkd, a: {device: core-sw1, interface: sfp1}, b: {device: bkd-sw, interface: ether1}}
        devices:
          - {id: core-sw1, site: dc, address: 10.0.0.1, vendor: mikrotik, role: core, snmp: core-v3}
          - {id: bkd-sw, site: bkd, address: 10.0.1.1, vendor: generic, role: cpe, snmp: opd-v2c}

        """
    static let credentials = """
        profiles:
          core-v3:
            version: 3
            user: pantau
            auth: SHA-256
            auth_password: ${T_AUTH}
            priv: AES
            priv_password: ${T_PRIV}
          opd-v2c:
            version: 2c
            community: ${T_COMMUNITY}

        """
    static let env = ["T_AUTH": "auth-pass-very-secret", "T_PRIV": "priv-pass-very-secret", "T_COMMUNITY": "community-secret"]

    struct Result {
        var diagnostics: [String]
        var loaded: LoadedConfiguration?
    }

    func load(network: String = network, credentials: String? = credentials, snmp: String? = nil,
              env: [String: String] = env, credentialsMode: Int = 0o600) -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-snmpcfg-\(UUID().uuidString)")
        let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
        try! FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try! network.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        try! "date,name\n2026-01-01,Tahun Baru Masehi\n".write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
        if let credentials {
            let f = inv.appendingPathComponent("credentials.yaml")
            try! credentials.write(to: f, atomically: true, encoding: .utf8)
            try! FileManager.default.setAttributes([.posixPermissions: credentialsMode], ofItemAtPath: f.path)
        }
        if let snmp { try! snmp.write(to: pr.appendingPathComponent("snmp.yaml"), atomically: true, encoding: .utf8) }
        do {
            // A fixed day: the holiday warning depends on the month (the fixture's calendar covers 2026 only).
            let c = try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path, environment: env,
                                             now: Date(timeIntervalSince1970: 1_781_500_000))   // 2026-06-15
            return Result(diagnostics: c.warnings.map { $0.replacingOccurrences(of: inv.path + "/", with: "") }, loaded: c)
        } catch let e as ConfigurationErrors {
            return Result(diagnostics: e.diagnostics.map {
                $0.description.replacingOccurrences(of: inv.path + "/", with: "").replacingOccurrences(of: pr.path + "/", with: "probes/")
            }, loaded: nil)
        } catch {
            XCTFail("unexpected \(error)")
            return Result(diagnostics: [], loaded: nil)
        }
    }

    func assertNoSecrets(_ r: Result, file: StaticString = #filePath, line: UInt = #line) {
        for d in r.diagnostics {
            for secret in Self.env.values { XCTAssertFalse(d.contains(secret), "secret in: \(d)", file: file, line: line) }
        }
    }

    func testGoodConfigurationLoadsWithSecretsFromEnvironment() throws {
        let r = load()
        XCTAssertEqual(r.diagnostics, [])
        let c = try XCTUnwrap(r.loaded)
        XCTAssertEqual(c.inventory.devices.map(\.id), ["core-sw1", "bkd-sw"])
        XCTAssertEqual(c.inventory.links[0].b, LinkEnd(device: "bkd-sw", interface: "ether1"))
        XCTAssertEqual(c.credentials.count, 2)
        // The description of credentials names the profile, never the secret.
        for cred in c.credentials.values {
            for secret in Self.env.values { XCTAssertFalse("\(cred)".contains(secret)) }
        }
    }

    /// Issue 13: like ssh, a credentials file others can read gets a warning.
    func testCredentialsReadableByOthersAreWarned() {
        let r = load(credentialsMode: 0o644)
        XCTAssertNotNil(r.loaded)
        XCTAssertEqual(r.diagnostics.count, 1, "\(r.diagnostics)")
        XCTAssertTrue(r.diagnostics.first?.contains("can be read by other users (mode 644): chmod 600") ?? false, "\(r.diagnostics)")
        assertNoSecrets(r)
    }

    func testMissingCredentialsFileIsAWarningNotAnError() {
        let r = load(credentials: nil)
        XCTAssertNotNil(r.loaded)
        XCTAssertEqual(r.diagnostics.count, 1)
        XCTAssertTrue(r.diagnostics[0].contains("SNMP polling is off"), r.diagnostics[0])
    }

    func testDeviceMistakesNameFileLineAndField() {
        var r = load(network: Self.network.replacingOccurrences(of: "site: bkd, address: 10.0.1.1", with: "site: bdk, address: 10.0.1.1"))
        XCTAssertTrue(r.diagnostics.contains { $0.hasPrefix("network.yaml:15: devices[1].site:") && $0.contains("bdk") }, "\(r.diagnostics)")
        r = load(network: Self.network.replacingOccurrences(of: "vendor: generic", with: "vendor: zte"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("network.yaml:15: devices[1].vendor:"), true, "\(r.diagnostics)")
        r = load(network: Self.network.replacingOccurrences(of: "address: 10.0.1.1", with: "address: 10.0.0.1"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("network.yaml:15: devices[1].address:"), true, "\(r.diagnostics)")
        r = load(network: Self.network.replacingOccurrences(of: "snmp: opd-v2c", with: "snmp: opd-v9"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("network.yaml:15: devices[1].snmp:"), true, "\(r.diagnostics)")
    }

    func testLinkPortMistakes() {
        var r = load(network: Self.network.replacingOccurrences(of: "a: {device: core-sw1,", with: "a: {device: core-sw9,"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("network.yaml:12: links[0].a.device:"), true, "\(r.diagnostics)")
        // The b end must sit at the `to` site.
        r = load(network: Self.network.replacingOccurrences(of: "b: {device: bkd-sw,", with: "b: {device: core-sw1,"))
        XCTAssertTrue(r.diagnostics.contains { $0.hasPrefix("network.yaml:12: links[0].b.device:") }, "\(r.diagnostics)")
        r = load(network: Self.network.replacingOccurrences(of: "interface: ether1}", with: "interface: \"\"}"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("network.yaml:12: links[0].b.interface:"), true, "\(r.diagnostics)")
    }

    func testCredentialMistakesNeverPrintSecrets() {
        var r = load(env: ["T_AUTH": "auth-pass-very-secret"])
        XCTAssertEqual(r.loaded == nil, true)
        XCTAssertTrue(r.diagnostics.contains { $0.contains("credentials.yaml:") && $0.contains("T_PRIV") }, "\(r.diagnostics)")
        assertNoSecrets(r)
        r = load(credentials: Self.credentials.replacingOccurrences(of: "auth: SHA-256", with: "auth: MD5"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("credentials.yaml:5: profiles.core-v3.auth:"), true, "\(r.diagnostics)")
        r = load(credentials: Self.credentials.replacingOccurrences(of: "${T_PRIV}", with: "short"))
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("credentials.yaml:8: profiles.core-v3.priv_password:"), true, "\(r.diagnostics)")
        XCTAssertFalse(r.diagnostics.joined().contains("short"), "a literal secret is not echoed either")
    }

    /// Literal secrets in the file, put under the wrong key, repeated, or in broken YAML: no
    /// message ever quotes them (fuzzed: every line of the file turned into each mistake).
    func testFuzzedCredentialsFilesNeverPrintAValue() {
        let literal = """
            profiles:
              core-v3:
                version: 3
                user: pantau
                auth: SHA-256
                auth_password: Lit3ral-Auth-Passphrase
                priv: AES
                priv_password: Lit3ral-Priv-Passphrase
              opd-v2c:
                version: 2c
                community: Lit3ral-Community

            """
        let secrets = ["Lit3ral-Auth-Passphrase", "Lit3ral-Priv-Passphrase", "Lit3ral-Community"]
        let lines = literal.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var variants: [String] = [
            literal.replacingOccurrences(of: "auth: SHA-256", with: "auth: Lit3ral-Auth-Passphrase"),
            literal.replacingOccurrences(of: "priv: AES", with: "priv: Lit3ral-Priv-Passphrase"),
            literal.replacingOccurrences(of: "version: 2c", with: "version: Lit3ral-Community"),
        ]
        for (i, l) in lines.enumerated() where !l.isEmpty {
            var dup = lines
            dup.insert(l, at: i + 1)                                       // a repeated key
            variants.append(dup.joined(separator: "\n"))
            var broken = lines
            broken[i] = l.replacingOccurrences(of: ": ", with: ": [")     // broken YAML
            variants.append(broken.joined(separator: "\n"))
            var tabbed = lines
            tabbed[i] = "\t" + l                                          // a tab: a scanner error
            variants.append(tabbed.joined(separator: "\n"))
        }
        for v in variants {
            let r = load(credentials: v, env: [:])
            for d in r.diagnostics { for sec in secrets { XCTAssertFalse(d.contains(sec), "secret in: \(d)") } }
        }
    }

    /// A duration too large for any probe is refused with its line, never an overflow crash.
    func testHugeDurationIsAnErrorNotACrash() {
        let r = load(snmp: "snmp:\n  defaults:\n    interval: 99999999999999999h\n")
        XCTAssertEqual(r.loaded == nil, true)
        XCTAssertTrue(r.diagnostics.contains { $0.hasPrefix("probes/snmp.yaml:3: snmp.defaults.interval:") }, "\(r.diagnostics)")
    }

    func testSNMPProbeFileMistakes() {
        var r = load(snmp: "snmp:\n  defaults:\n    interval: 0s\n")
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("probes/snmp.yaml:3: snmp.defaults.interval:"), true, "\(r.diagnostics)")
        r = load(snmp: "snmp:\n  trap_listen: 0.0.0.0\n")
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("probes/snmp.yaml:2: snmp.trap_listen:"), true, "\(r.diagnostics)")
        r = load(snmp: "snmp:\n  devices:\n    core-sw2: {interval: 30s}\n")
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("probes/snmp.yaml:3: snmp.devices.core-sw2:"), true, "\(r.diagnostics)")
        r = load(snmp: "snmp:\n  vendors:\n    cisco: [huawei-optical, cdp]\n")
        XCTAssertEqual(r.diagnostics.first?.hasPrefix("probes/snmp.yaml:3: snmp.vendors.cisco"), true, "\(r.diagnostics)")
    }
}
