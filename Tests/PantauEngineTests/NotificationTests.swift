import Synchronization
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauNotify
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// Telegram, webhook and SMTP delivery against local mock servers (loopback only): 429
/// retry_after and Retry-After honoured, one combined message per root cause, and a restart
/// neither loses nor repeats a message.
final class NotificationTests: XCTestCase {
    static let mock = #"""
    import http.server, json, socketserver, sys, threading
    http_port, smtp_port, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    lock = threading.Lock(); seen = {"tg": 0, "hook": 0}
    def record(kind, data):
        with lock:
            with open(log, "a") as f: f.write(json.dumps({"kind": kind, "data": data}) + "\n")
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            kind = "tg" if "/sendMessage" in self.path else "hook"
            with lock:
                seen[kind] += 1; n = seen[kind]
            if n == 1 and kind == "tg":
                out = json.dumps({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                  "parameters": {"retry_after": 1}}).encode()
                self.send_response(429); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out); return
            if n == 1 and kind == "hook":
                self.send_response(503); self.send_header("Retry-After", "1"); self.send_header("Content-Length", "0")
                self.end_headers(); return
            record(kind, {"path": self.path, "body": json.loads(body)})
            out = b'{"ok":true}'
            self.send_response(200); self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
    class S(socketserver.StreamRequestHandler):
        def handle(self):
            w = lambda s: self.wfile.write((s + "\r\n").encode())
            w("220 mock ESMTP"); data = None; rcpt = []
            while True:
                line = self.rfile.readline().decode()
                if not line: return
                if data is not None:
                    if line in (".\r\n", ".\n"):
                        record("smtp", {"rcpt": rcpt, "data": "".join(data)}); data = None; w("250 queued"); continue
                    data.append(line); continue
                cmd = line.strip().upper()
                if cmd.startswith("EHLO"): w("250-mock"); w("250 8BITMIME")
                elif cmd.startswith("RCPT"): rcpt.append(line.strip()[8:]); w("250 ok")
                elif cmd.startswith("DATA"): data = []; w("354 go ahead")
                elif cmd.startswith("QUIT"): w("221 bye"); return
                else: w("250 ok")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    threading.Thread(target=socketserver.ThreadingTCPServer(("127.0.0.1", smtp_port), S).serve_forever, daemon=True).start()
    http.server.ThreadingHTTPServer(("127.0.0.1", http_port), H).serve_forever()
    """#

    func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: a.sin_port)
    }

    func testDeliveryRetriesAndNoDuplicatesAcrossRestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("mock.py"), log = dir.appendingPathComponent("log.jsonl")
        try Self.mock.write(to: script, atomically: true, encoding: .utf8)
        let httpPort = freePort(), smtpPort = freePort()
        // posix_spawn with default signals (a Foundation Process child would ignore SIGTERM here).
        let p = try Spawned(["/usr/bin/python3", script.path, "\(httpPort)", "\(smtpPort)", log.path],
                            output: dir.appendingPathComponent("mock.out").path)
        defer { p.signal(SIGKILL); _ = p.wait() }
        // Wait for the mock to listen.
        for _ in 0..<100 {
            if let (_, r) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(httpPort)/")!),
               (r as? HTTPURLResponse) != nil { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }

        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "Pusat Data", role: .core),
            Site(id: "pop", name: "POP Kota", role: .distribution, uplinks: ["fo-trunk"]),
            Site(id: "opd1", name: "Dinas Kesehatan", uplinks: ["fo-opd1"]),
        ], links: [Link(id: "fo-trunk", kind: .foUnderground, from: "dc", to: "pop", name: "FO induk"),
                   Link(id: "fo-opd1", kind: .foAerial, from: "pop", to: "opd1")], maintenance: [])
        let secretToken = "123456:SECRET-bot-token"
        let channels = [
            NotifyChannel(name: "noc", kind: .telegram(apiURL: "http://127.0.0.1:\(httpPort)", botToken: Secret(secretToken), chatID: "-1001"),
                          priorities: [.p1, .p2]),
            NotifyChannel(name: "servicedesk", kind: .webhook(url: "http://127.0.0.1:\(httpPort)/hook", headers: ["X-Token": "h"])),
            NotifyChannel(name: "kabid", kind: .email(host: "127.0.0.1", port: Int(smtpPort), from: "pantau@kab.go.id", to: ["kabid@kab.go.id"]),
                          priorities: [.p1]),
        ]
        let composer = NotificationComposer(inventory: inv, channels: channels)
        let path = dir.appendingPathComponent("db.sqlite").path
        let store = try Store(path: path)
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let root = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: ["opd1", "pop"], startedAt: now - 120,
                             evidence: ["fo-trunk (fo-underground, FO induk): core/sfp1 admin-up, oper-down"])
        let decision = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 13, reason: "impact high x urgency high = P1")
        let (ticket, _) = try await store.openTicket(root, decision: decision, at: now, month: "2026-03", reopenWithin: 3600,
                                               messages: { composer.drafts($0, $1) })
        // A retried open queues nothing more.
        _ = try await store.openTicket(root, decision: decision, at: now + 1, month: "2026-03", reopenWithin: 3600,
                                 messages: { composer.drafts($0, $1) })
        await XCTAssertEqualAsync(try await store.outbox().count, 3, "one combined message per channel for the whole outage")

        let service = NotificationService(store: store, notifiers: NotificationService.notifiers(for: channels),
                                          clock: SystemWallClock(), logger: Logger(label: "t"))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try await store.outbox().contains(where: { $0.sentAt == nil }) {
            try await service.deliverDue()
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        let box = try await store.outbox()
        XCTAssertTrue(box.allSatisfy { $0.sentAt != nil }, "\(box.map { ($0.message.channel, $0.lastError ?? "") })")
        XCTAssertEqual(box.first { $0.message.channel == "noc" }?.message.attempts, 2, "429 then sent after retry_after")
        XCTAssertEqual(box.first { $0.message.channel == "servicedesk" }?.message.attempts, 2, "503 + Retry-After then sent")
        for b in box { XCTAssertFalse((b.lastError ?? "").contains("SECRET"), "bot token never in errors") }

        // A restarted service on the same database sends nothing again.
        let again = NotificationService(store: try Store(path: path), notifiers: NotificationService.notifiers(for: channels),
                                        clock: SystemWallClock(), logger: Logger(label: "t"))
        let resent = try await again.deliverDue()
        XCTAssertEqual(resent, 0)

        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let kinds = lines.compactMap { $0["kind"] as? String }.sorted()
        XCTAssertEqual(kinds, ["hook", "smtp", "tg"])
        let tg = try XCTUnwrap(lines.first { $0["kind"] as? String == "tg" }?["data"] as? [String: Any])
        XCTAssertEqual(tg["path"] as? String, "/bot\(secretToken)/sendMessage")
        let text = try XCTUnwrap((tg["body"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(text.contains("GANGGUAN P1 - \(ticket.number)"), text)
        XCTAssertTrue(text.contains("Situs terputus (2):\n- Dinas Kesehatan (opd1)\n- POP Kota (pop)"), text)
        let smtp = try XCTUnwrap(lines.first { $0["kind"] as? String == "smtp" }?["data"] as? [String: Any])
        XCTAssertEqual(smtp["rcpt"] as? [String], ["<kabid@kab.go.id>"])
        XCTAssertTrue((smtp["data"] as? String)?.contains("Dinas Kesehatan") == true)
    }
}

/// Issue 31 (low): the notification service writes the attempt before it sends, so what a
/// kill -9 during the send leaves behind is an attempt on record (checked from inside the send).
final class OutboxAttemptTests: XCTestCase {
    final class Seen: Sendable { let counts = Mutex<[Int]>([]) }
    struct Peeking: Notifier {
        let store: Store
        let seen: Seen
        func deliver(_ message: OutboxMessage) async -> DeliveryResult {
            let now = (try? await store.outbox().first { $0.message.id == message.id }?.message.attempts) ?? -1
            seen.counts.withLock { $0.append(now) }
            return .sent
        }
    }

    func testTheAttemptIsDurableBeforeTheSend() async throws {
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-oa-\(UUID().uuidString).sqlite").path)
        let root = RootCause(element: .site("bkd"), cause: .siteDown, affectedSites: ["bkd"], startedAt: 1000, evidence: [])
        let decision = PriorityDecision(priority: .p3, impact: .low, urgency: .medium, score: 6, reason: "t")
        _ = try await store.openTicket(root, decision: decision, at: 1100, month: "2026-03", reopenWithin: 0, messages: { t, c in
            [OutboxDraft(dedupeKey: "\(t.number):\(c.rawValue)", channel: "noc", subject: t.number, body: c.rawValue)]
        })
        let seen = Seen()
        let service = NotificationService(store: store, notifiers: ["noc": Peeking(store: store, seen: seen)], clock: FixedTestClock(t: 1200),
                                          logger: Logger(label: "test"))
        let delivered = try await service.deliverDue()
        XCTAssertEqual(delivered, 1)
        XCTAssertEqual(seen.counts.withLock { $0 }, [1], "during the send the attempt is already counted")
        let attempts = try await store.outbox().map(\.message.attempts)
        XCTAssertEqual(attempts, [1], "one attempt in all")
    }
}
