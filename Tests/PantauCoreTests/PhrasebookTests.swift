import Foundation
import PantauCore
import XCTest

/// Issue 27: the lines the engine writes into tickets read in Bahasa Indonesia under `id`, and
/// timestamps and durations as people write them in both languages.
final class PhrasebookTests: XCTestCase {
    let tz = TimeZone(identifier: "Asia/Jakarta")!
    let book = Phrasebook.standard

    /// Words of English prose that must not survive an Indonesian rendering (codes such as
    /// `fo-cut`, `admin-up`, `RTT` and names are not in it).
    static let englishWords = ["impact", "score", "urgency", "users", "site(s)", "undersea", "working hours", "left", "since", "lost",
                               "port up", "read at", "after", "stopped answering", "no SNMP", "cause not", "together with", "still has",
                               "recovered at", "outage", "wall time", "working time", "assigned to", "archived", "opened", "reported by",
                               "written by", "merged", "failed again", "before", "not acknowledged", "holiday", "closing",
                               "no ICMP", "below", "thresholds", "optical", "utilisation", "handed over", "received by", " by "]

    static func english(in text: String) -> [String] {
        let lower = " " + text.lowercased() + " "
        return englishWords.filter { w in
            // Whole words only ("level" must not hit "level" inside an id or a kept escalation name).
            lower.range(of: "(?<![a-z0-9-])" + NSRegularExpression.escapedPattern(for: w.lowercased()) + "(?![a-z0-9-])",
                        options: .regularExpression) != nil
        }
    }

    /// Lines as the demo's engine wrote them (`pantau tickets show` of a demo run).
    let written = [
        "impact high (score 18.7; 4 site(s): kec-lepar high 25 users 4.3, pkm-lepar high 30 users 4.3, pop-lepar high 4, upt-disdik-lepar medium 15 users 2.2, undersea cable +4) x urgency high (working hours, 7h51m left) = P1",
        "impact low (score 2.5; 1 site(s): dishub medium 50 users 2.5) x urgency medium (45 min before closing) = P4",
        "impact medium (score 6; nothing cut off) x urgency low (holiday: Hari Raya Natal) = P4",
        "impact low (score 0; nothing cut off) x urgency low (outside working hours) = P4",
        "fo-laut-kota-lepar (fo-undersea, Kabel laut Selat Lepar): kota-sw1/Gi0/2 admin-up, oper-down",
        "dishub (Dinas Perhubungan): 3/3 lost since 08:35:06",
        "fo-dishub: port up (kompleks-sw1/sfp13 up), read at 08:37:06 after the site stopped answering",
        "fo-dishub: no SNMP answer at 08:37:06 (timeout): device unreachable or timed out",
        "no port reading of fo-bkd since the failure (past the agent's 5 s cache) (fo-bkd last read up at 08:30:01, before it)",
        "cause not yet certain (penyebab belum pasti): a cut and a power failure look the same from here",
        "together with fo-a, fo-b (already down): no path left to bkd, dinkes",
        "pop-lepar still has another path: redundancy lost, no site cut off",
        "fo-cut on link:fo-laut-kota-lepar; impact high (score 12; 2 site(s): bkd high 4, dinkes critical 8) x urgency high (working hours, 7h51m left) = P1",
        "recovered at 2026-12-08T08:22:06+07:00; outage 14m 00s wall time, 14m 00s working time",
        "assigned to Petugas NOC (demo)",
        "Berita Acara: Petugas Lapangan (demo); cause diskominfo-device",
        "Berita Acara archived",
        "reported by Rina (bkd, via web, written by opd-bkd): internet putus; impact low (score 4; 1 site(s): bkd high 4) x urgency high (working hours, 2h00m left) = P3",
        "level 2 (Kepala Bidang: Budi, Sari): not acknowledged after 30m 00s of working time (P1)",
        "raised P3 -> P1: impact high (score 12; nothing cut off) x urgency high (working hours, 1h05m left) = P1",
        "also cut off: bkd, dinkes",
        "failed again before the recovery hold ended (flap 2)",
        "same root failed again at 1796000000 (fo-cut; P1: impact high (score 12; nothing cut off) x urgency high (working hours, 1h05m left) = P1): fo-x (fo-aerial): port down",
        "loss 30% > 10%, RTT 250.5 ms > 200 ms",
        "optical warning, rx -27.10 dBm (-27.10 dBm below the warning level -26.00 dBm)",
        "bandwidth-below-contract: upload 41.0 Mbps, download 38.2 Mbps of 100 Mbps (3 tests below 80%)",
        "handed over by Andi, received by Budi (NIP 1985)",
        "the engine's ticket GGN-2026-12-0001 covers this disruption; handled there",
    ]

    func testEveryWrittenLineReadsInIndonesian() {
        for line in written {
            let id = book.render(line, .id, timeZone: tz)
            XCTAssertEqual(Self.english(in: id), [], "left in English:\n  \(line)\n→ \(id)")
            if ProcessInfo.processInfo.environment["PHRASEBOOK_PRINT"] != nil { print(id) }
        }
    }

    func testTheIndonesianKeepsEveryFact() {
        XCTAssertEqual(book.render(written[0], .id, timeZone: tz),
                       "dampak tinggi (skor 18,7; 4 situs: kec-lepar tinggi 25 pengguna 4,3, pkm-lepar tinggi 30 pengguna 4,3, pop-lepar tinggi 4, "
                       + "upt-disdik-lepar sedang 15 pengguna 2,2, kabel laut +4) x urgensi tinggi (jam kerja, sisa 7 jam 51 menit) = P1")
        XCTAssertEqual(book.render(written[13], .id, timeZone: tz),
                       "pulih pada 8 Des 2026 08.22 WIB; gangguan 14 menit 00 detik waktu nyata, 14 menit 00 detik jam kerja")
        XCTAssertEqual(book.render(written[13], .en, timeZone: tz),
                       "recovered at 8 Dec 2026 08:22 WIB; outage 14 min 00 s wall time, 14 min 00 s working time")
        XCTAssertEqual(book.render(written[12], .en, timeZone: tz).prefix(24), "fibre cut on link:fo-lau")
    }

    func testWhatAPersonTypedIsKeptAsWritten() {
        for typed in ["ganti kabel di tiang 12", "Switch diganti dengan unit cadangan", "the router was rebooted by the OPD", ""] {
            XCTAssertEqual(book.render(typed, .id, timeZone: tz), typed)
        }
        XCTAssertEqual(book.render("by Andi: the router was rebooted", .id, timeZone: tz), "oleh Andi: the router was rebooted")
    }

    func testDatesAsPeopleWriteThem() {
        let t = ISO8601.parse("2026-12-07T08:08:07+07:00")!
        XCTAssertEqual(LocalText.short(t, in: tz, .id), "7 Des 2026 08.08 WIB")
        XCTAssertEqual(LocalText.short(t, in: TimeZone(identifier: "Asia/Makassar")!, .en), "7 Dec 2026 09:08 WITA")
        XCTAssertEqual(LocalText.relative(t, now: t + 12 * 60 + 30, .id), "12 menit lalu")
        XCTAssertEqual(LocalText.relative(t, now: t + 3 * 3600, .en), "3 hours ago")
        XCTAssertEqual(LocalText.relative(t, now: t + 20, .id), "baru saja")
        XCTAssertEqual(LocalText.relative(t + 300, now: t, .id), "dalam 5 menit")
    }
}
