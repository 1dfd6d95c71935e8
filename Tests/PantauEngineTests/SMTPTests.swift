import Foundation
import XCTest
import PantauCore
import PantauNotify
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// E-mail through libcurl against a local relay that offers STARTTLS (its own certificate) and
/// AUTH PLAIN, as an office relay does: TLS first, then the login, then the message.
final class SMTPTests: XCTestCase {
    static let relay = #"""
    import base64, json, socket, ssl, sys, threading
    port, cert, key, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
    def record(d):
        with open(log, "a") as f: f.write(json.dumps(d) + "\n")
    def serve(conn):
        f = conn.makefile("rwb"); tls = False; user = None; rcpt = []; data = None
        def w(s): f.write((s + "\r\n").encode()); f.flush()
        w("220 relay.diskominfo.local ESMTP")
        while True:
            line = f.readline().decode()
            if not line: return
            if data is not None:
                if line in (".\r\n", ".\n"):
                    record({"tls": tls, "user": user, "rcpt": rcpt, "data": "".join(data)}); data = None; w("250 queued"); continue
                data.append(line); continue
            cmd = line.strip()
            up = cmd.upper()
            if up.startswith("EHLO"):
                w("250-relay"); w("250-8BITMIME")
                if tls: w("250 AUTH PLAIN LOGIN")
                else: w("250 STARTTLS")
            elif up == "STARTTLS":
                w("220 go ahead"); conn = ctx.wrap_socket(conn, server_side=True); f = conn.makefile("rwb"); tls = True
            elif up.startswith("AUTH PLAIN"):
                arg = cmd.split(" ", 2)[2] if len(cmd.split(" ")) > 2 else None
                if arg is None:
                    w("334 "); arg = f.readline().decode().strip()
                parts = base64.b64decode(arg).split(b"\0")
                if tls and parts[1] == b"pantau" and parts[2] == b"relay-Secret-9":
                    user = "pantau"; w("235 ok")
                else: w("535 authentication failed")
            elif up.startswith("MAIL"):
                w("250 ok") if user else w("530 authentication required")
            elif up.startswith("RCPT"): rcpt.append(cmd[8:]); w("250 ok")
            elif up == "DATA": data = []; w("354 go ahead")
            elif up == "QUIT": w("221 bye"); return
            else: w("250 ok")
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", port)); s.listen(8)
    print("listening", flush=True)
    while True:
        c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
    """#

    func testStartTLSAndAuthThenTheMessage() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("relay.pem").path, key = dir.appendingPathComponent("relay.key").path
        let gen = try Shell.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                                 "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert])
        XCTAssertEqual(gen.status, 0, gen.output)
        let script = dir.appendingPathComponent("relay.py"), log = dir.appendingPathComponent("log.jsonl")
        try Self.relay.write(to: script, atomically: true, encoding: .utf8)
        let port = UInt16(20_000 + Int(getpid()) % 20_000)
        let p = try Spawned(["/usr/bin/python3", script.path, "\(port)", cert, key, log.path], output: dir.appendingPathComponent("relay.out").path)
        defer { p.signal(SIGKILL); _ = p.wait() }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !((try? String(contentsOfFile: dir.appendingPathComponent("relay.out").path, encoding: .utf8)) ?? "").contains("listening") {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let m = OutboxMessage(id: 1, dedupeKey: "GGN-2026-03-0001/opened/0/kabid", channel: "kabid", subject: "GANGGUAN P1 - GGN-2026-03-0001",
                              body: "FO putus\n.titik di awal baris\nDinas Kesehatan", attempts: 0, createdAt: 1_773_100_000)
        let good = EmailNotifier(channel: "kabid", host: "127.0.0.1", port: Int(port), from: "pantau@kab.go.id", to: ["kabid@kab.go.id"],
                                 security: .starttls, username: "pantau", password: Secret("relay-Secret-9"), caFile: cert)
        let sent = await good.deliver(m)
        XCTAssertEqual(sent, .sent)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let rec = try XCTUnwrap(lines.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        XCTAssertEqual(rec["tls"] as? Bool, true, "STARTTLS before anything else")
        XCTAssertEqual(rec["user"] as? String, "pantau")
        XCTAssertEqual(rec["rcpt"] as? [String], ["<kabid@kab.go.id>"])
        let data = try XCTUnwrap(rec["data"] as? String)
        XCTAssertTrue(data.contains("..titik di awal baris"), "dot-stuffed: \(data)")
        XCTAssertTrue(data.contains("Subject: =?UTF-8?B?"), data)

        // A requester's message goes to the requester alone (RCPT TO and To:), not to the channel's list.
        var toRequester = m
        toRequester.dedupeKey = "GGN-2026-03-0001/closed-0/email:umum@bkd.example.go.id"
        toRequester.recipient = "umum@bkd.example.go.id"
        let relayed = await good.deliver(toRequester)
        XCTAssertEqual(relayed, .sent)
        let second = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let rec2 = try XCTUnwrap(second.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        XCTAssertEqual(rec2["rcpt"] as? [String], ["<umum@bkd.example.go.id>"])
        XCTAssertTrue((rec2["data"] as? String ?? "").contains("To: <umum@bkd.example.go.id>"))

        // A wrong password is final (535), and the error names the channel, never the password.
        let bad = EmailNotifier(channel: "kabid", host: "127.0.0.1", port: Int(port), from: "pantau@kab.go.id", to: ["kabid@kab.go.id"],
                                security: .starttls, username: "pantau", password: Secret("wrong-Pass-1"), caFile: cert)
        guard case .failed(let error) = await bad.deliver(m) else { return XCTFail("a refused login is final") }
        XCTAssertTrue(error.contains("email channel 'kabid'"), error)
        XCTAssertFalse(error.contains("wrong-Pass-1"), error)
        // A relay whose certificate is not trusted is refused when TLS is required.
        let untrusted = EmailNotifier(channel: "kabid", host: "127.0.0.1", port: Int(port), from: "pantau@kab.go.id", to: ["kabid@kab.go.id"],
                                      security: .starttls, username: "pantau", password: Secret("relay-Secret-9"))
        guard case .failed = await untrusted.deliver(m) else { return XCTFail("an untrusted certificate is refused") }
    }
}
