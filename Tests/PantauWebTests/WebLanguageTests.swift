import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PantauCore
import PantauStoreKit
import PantauWeb
import XCTest

/// Issue 27: every page in Bahasa Indonesia under `id` and in English under `en`, with the lines
/// the engine writes (priority reasons, evidence, ledger) and the refusals (400, 403, 404) too;
/// dates as people write them.
final class WebLanguageTests: XCTestCase {
    /// Words of one language that must not appear on the other's pages (whole words, case
    /// ignored). Names, ids, codes (fo-cut, P1, RTT, SLA, NIP) and the terms both use (Berita
    /// Acara, gangguan, OPD, port, status, target, loss, level, via) are not in them.
    static let english = ["the", "and", "with", "since", "impact", "urgency", "score", "opened", "resolved", "acknowledged", "outage",
                          "assigned", "evidence", "overview", "availability", "failed", "working", "hours", "left", "month", "sites",
                          "links", "priority", "cause", "not", "of", "by", "from", "until", "none", "open", "closed", "password", "user",
                          "name", "ago", "found", "allowed", "missing", "wrong", "reload", "page", "after", "before", "ledger", "due",
                          "elapsed", "time", "up", "down", "unknown", "no", "report", "back", "only", "your", "may"]
    static let indonesian = ["dan", "dengan", "sejak", "dampak", "urgensi", "skor", "dibuka", "pulih", "ditangani", "tiket", "situs",
                             "tautan", "ketersediaan", "bulan", "jam", "kerja", "tidak", "belum", "yang", "untuk", "dari", "sampai",
                             "oleh", "pada", "keluar", "masuk", "menit", "detik", "putus", "lalu", "ringkasan", "bukti", "riwayat",
                             "tanpa", "terbuka", "prioritas", "penyebab", "ditemukan", "kembali", "laporan", "pengguna", "nama",
                             "sandi", "des", "jalur", "ikut", "terputus", "mati", "hidup", "normal", "berjalan", "tenggat", "halaman"]

    /// The words of `other` found in the page's visible text.
    static func leaks(_ html: String, _ words: [String]) -> [String] {
        var text = html
        for pattern in ["<script[\\s\\S]*?</script>", "<style[\\s\\S]*?</style>", "<code>[\\s\\S]*?</code>", "<[^>]+>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        text = text.replacingOccurrences(of: "&[a-z#0-9]+;", with: " ", options: .regularExpression)
        // Configuration keys are code, not words.
        // The language switch names the other language on purpose.
        for allowed in ["Bahasa Indonesia", "English"] { text = text.replacingOccurrences(of: allowed, with: " ") }
        let lower = " " + text.lowercased() + " "
        return words.filter { w in
            lower.range(of: "(?<![\\p{L}0-9_-])" + NSRegularExpression.escapedPattern(for: w) + "(?![\\p{L}0-9_-])", options: .regularExpression) != nil
        }
    }

    /// The fixture with a ticket as the engine writes one: the real priority decision, evidence
    /// lines, acknowledged, a requester report joined, one more site cut off.
    func engineTicket(_ f: WebFixture) async throws -> String {
        let calendar = WorkingCalendar(spec: f.inventory.calendar, timeZone: TimeZone(identifier: "Asia/Jakarta")!)
        let root = RootCause(element: .link("fo-pop"), cause: .foCut, affectedSites: ["pop", "bkd"], startedAt: WebFixture.now - 100,
                             evidence: ["fo-pop (fo-underground): sw/sfp1 admin-up, oper-down",
                                        "together with fo-x (already down): no path left to bkd, pop"])
        let decision = PriorityPolicy().decide(root, inventory: f.inventory, calendar: calendar, at: WebFixture.now - 90)
        let (t, _) = try await f.store.openTicket(root, decision: decision, at: WebFixture.now - 90, month: "2025-12", reopenWithin: 3600,
                                                  prefix: "GGN", messages: { _, _ in [] })
        return t.number
    }

    func testEveryPageSpeaksOneLanguage() async throws {
        let f = try await WebFixture()
        let number = try await engineTicket(f)
        try await f.application().test(.router) { client in
            for lang in WebLanguage.allCases {
                var admin = try await Browser.login(client, user: "admin")
                admin.take(try await admin.get(client, "/lang/\(lang.rawValue)?next=/"))
                var pages: [(String, TestResponse)] = []
                for uri in ["/", "/tickets", "/tickets/\(number)", "/tickets/\(f.bkdTicket)", "/tickets/\(number)/berita-acara", "/sites/bkd",
                            "/sites/dc", "/links/fo-pop", "/availability", "/availability/bkd", "/admin/users", "/admin/config", "/archive", "/map",
                            "/tickets/GGN-2025-12-9999", "/sites/nope", "/links/nope"] {
                    pages.append((uri, try await admin.get(client, uri)))
                }
                // Refusals: a form without its fields, a form without its CSRF token, a page for administrators.
                pages.append(("POST close without fields", try await admin.post(client, "/tickets/\(number)/close", form: ["csrf": admin.csrf])))
                pages.append(("POST without CSRF", try await admin.post(client, "/tickets/\(number)/ack", form: [:])))
                var noc = try await Browser.login(client, user: "noc")
                noc.take(try await noc.get(client, "/lang/\(lang.rawValue)?next=/"))
                pages.append(("/admin/users as noc", try await noc.get(client, "/admin/users")))
                // An OPD user's pages: the report form, its own tickets and site.
                var opd = try await Browser.login(client, user: "opd-bkd")
                opd.take(try await opd.get(client, "/lang/\(lang.rawValue)?next=/"))
                for uri in ["/", "/tickets", "/tickets/\(f.bkdTicket)", "/sites/bkd", "/availability", "/tickets/\(f.dinkesTicket)"] {
                    pages.append(("\(uri) as opd", try await opd.get(client, uri)))
                }
                var anonymous = Browser()
                anonymous.take(try await anonymous.get(client, "/lang/\(lang.rawValue)?next=/login"))
                pages.append(("/login", try await anonymous.get(client, "/login")))

                let words = lang == .id ? Self.english : Self.indonesian
                // The Berita Acara is the service catalog's Indonesian form, whatever the reader's language.
                let berita = pages.first { $0.0.hasSuffix("/berita-acara") }!.1
                XCTAssertEqual(Self.leaks(berita.text, Self.english), [], "the Berita Acara has English in it")
                for (uri, page) in pages where !uri.hasSuffix("/berita-acara") {
                    if let dir = ProcessInfo.processInfo.environment["PANTAU_PAGES_DUMP"] {
                        try? page.text.write(toFile: "\(dir)/\(lang)\(uri.replacingOccurrences(of: "/", with: "_")).html", atomically: true, encoding: .utf8)
                    }
                    XCTAssertTrue(page.headers[.contentType]?.hasPrefix("text/html") ?? false, "\(uri) (\(lang)) is a page, not \(page.headers[.contentType] ?? "-")")
                    XCTAssertEqual(Self.leaks(page.text, words), [], "\(uri) under \(lang) (\(page.status.code)) has the other language's words")
                    XCTAssertNil(page.text.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"#, options: .regularExpression), "\(uri) shows a raw ISO timestamp")
                    XCTAssertFalse(page.text.contains("DecodingError") || page.text.contains("keyNotFound"), "\(uri) shows the decoder's internals")
                }
                let ticket = pages.first { $0.0 == "/tickets/\(number)" }!.1.text
                XCTAssertTrue(ticket.contains(lang == .id ? "1 Des 2025 08.58 WIB" : "1 Dec 2025 08:58 WIB"), "the opening time as people write it")
                XCTAssertTrue(ticket.contains(lang == .id ? "dampak sedang (skor 8; 2 situs" : "impact medium (score 8; 2 site(s)"), "the priority reason in \(lang)")
                XCTAssertTrue(ticket.contains(lang == .id ? "tidak ada jalur tersisa" : "no path left"), "the evidence in \(lang)")
                let refused = pages.first { $0.0 == "POST close without fields" }!.1
                XCTAssertStatus(refused, .badRequest)
                XCTAssertTrue(refused.text.contains(lang == .id ? "Permintaan tidak dapat diproses" : "The request cannot be processed"))
            }
        }
    }
}
