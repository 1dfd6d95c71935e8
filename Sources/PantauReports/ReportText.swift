import Foundation
import PantauCore

/// The report's words in Bahasa Indonesia (default) and English, and numbers written the
/// locale's way: `98,75%` and `1.234` in Indonesian, `98.75%` and `1,234` in English.
public struct ReportText: Sendable {
    public let lang: LocalText.Language

    public init(_ lang: LocalText.Language) { self.lang = lang }

    /// A percentage with 2 decimals, rounded half-up from the figures' 4 decimals; "-" for nil.
    public func pct(_ d: Double?) -> String {
        guard let d else { return "-" }
        let v = Int64((d * 10_000).rounded())          // exact: the figures carry 4 decimals
        let r = (v + 50) / 100                          // half-up to 2 decimals (values are >= 0)
        let text = "\(r / 100).\(r % 100 < 10 ? "0" : "")\(r % 100)"
        return LocalText.number(text, lang) + "%"
    }

    /// Seconds as h:mm:ss (exact to the second, as in `pantau availability --explain`).
    public func hms(_ s: Int64) -> String {
        let h = s / 3600, m = s % 3600 / 60, sec = s % 60
        return "\(h):\(m < 10 ? "0" : "")\(m):\(sec < 10 ? "0" : "")\(sec)"
    }

    /// "30-11-2026 08.08" / "2026-11-30 08:08" in the report's zone (the zone is named once, in the calendar section).
    public func shortDateTime(_ t: EpochSeconds, in tz: TimeZone) -> String {
        let iso = ISO8601.format(t, in: tz)  // 2026-11-30T08:08:00+07:00
        let y = iso.prefix(4), mo = iso.dropFirst(5).prefix(2), d = iso.dropFirst(8).prefix(2), hh = iso.dropFirst(11).prefix(2), mi = iso.dropFirst(14).prefix(2)
        return lang == .id ? "\(d)-\(mo)-\(y) \(hh).\(mi)" : "\(y)-\(mo)-\(d) \(hh):\(mi)"
    }

    /// A count with thousands separators.
    public func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(lang == .id ? "." : ",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    public func monthName(_ m: YearMonth) -> String {
        (lang == .id ? LocalText.monthsID : LocalText.monthsEN)[m.month - 1] + " \(m.year)"
    }

    public func shortMonth(_ m: YearMonth) -> String {
        String((lang == .id ? LocalText.monthsID : LocalText.monthsEN)[m.month - 1].prefix(3)) + " \(m.year % 100)"
    }

    public func weekday(_ w: String) -> String {
        let id = ["mon": "Senin", "tue": "Selasa", "wed": "Rabu", "thu": "Kamis", "fri": "Jumat", "sat": "Sabtu", "sun": "Minggu"]
        let en = ["mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday"]
        return (lang == .id ? id : en)[w] ?? w
    }

    public func party(_ p: String) -> String {
        switch (p, lang) {
        case ("diskominfo", _): "Diskominfo"
        case ("opd", _): "OPD"
        case ("external", .id): "pihak luar (keadaan kahar)"
        default: "external (force majeure)"
        }
    }

    public func suspected(_ code: String) -> String {
        guard let c = SuspectedCause(rawValue: code) else { return code }
        return lang == .id ? c.textID : c.textEN
    }

    public func holidayKind(_ k: String) -> String {
        switch (k, lang) {
        case ("cuti-bersama", .id): "cuti bersama"
        case ("cuti-bersama", _): "collective leave (cuti bersama)"
        case ("regional", .id): "libur daerah"
        case ("regional", _): "regional holiday"
        case (_, .id): "libur nasional"
        default: "national holiday"
        }
    }

    /// The label for `key`.
    public subscript(_ key: String) -> String { (lang == .id ? Self.id : Self.en)[key] ?? key }

    public var labels: [String: String] { lang == .id ? Self.id : Self.en }

    static let id: [String: String] = [
        "title": "Laporan Ketersediaan Layanan Jaringan Intra", "period": "Periode", "provisional": "SEMENTARA - belum tutup buku",
        "provisionalNote": "Angka dapat berubah sampai bulan ini ditutup (pantau month close).",
        "closed": "Tutup buku", "revision": "Revisi", "hash": "Sidik isi (SHA-256)", "coverage": "Cakupan data",
        "summary": "Ringkasan", "networkAvailability": "Ketersediaan jaringan (tanggung jawab Diskominfo, waktu terpantau)",
        "experienced": "Dialami OPD", "accountable": "Tanggung jawab Diskominfo", "ofScheduled": "dari jadwal", "ofKnown": "dari waktu terpantau",
        "opdsMet": "OPD memenuhi target", "opdsMissed": "OPD di bawah target", "noData": "tanpa data", "target": "Target",
        "missedList": "OPD di bawah target (terburuk lebih dulu)", "lost": "Waktu kerja hilang", "none": "Tidak ada",
        "incidentsByPriority": "Gangguan menurut prioritas", "incidentsByCause": "Gangguan menurut dugaan penyebab",
        "repair": "Kepatuhan waktu perbaikan", "priority": "Prioritas", "targetDays": "Target (hari kerja)", "tickets": "Tiket",
        "within": "Tepat waktu", "breached": "Terlambat", "running": "Berjalan", "share": "Persentase",
        "dailyChart": "Ketersediaan harian jaringan (semua OPD, tanggung jawab Diskominfo)", "heatMap": "Ketersediaan harian per OPD",
        "perOPD": "Rincian per OPD", "opd": "OPD", "scheduled": "Jadwal kerja", "up": "Aktif", "down": "Putus",
        "unreachable": "Tak terjangkau (hulu)", "unknown": "Tanpa data", "maintenance": "Pemeliharaan", "excused": "Dikecualikan",
        "verdict": "Hasil", "met": "memenuhi", "notMet": "tidak memenuhi", "mttr": "MTTR (jam kerja)", "incidents": "Gangguan", "archive": "Berita Acara bulan ini (arsip)",
        "durationsNote": "Durasi dalam jam:menit:detik waktu kerja.", "trend": "Tren 12 bulan", "month": "Bulan",
        "source": "Sumber", "incidentList": "Daftar gangguan", "ticket": "Tiket", "sites": "OPD terdampak", "start": "Mulai",
        "recovered": "Pulih", "workingDuration": "Durasi kerja (bulan ini / total)", "suspected": "Dugaan penyebab",
        "closingCause": "Penyebab (Berita Acara)", "party": "Tanggung jawab", "resolution": "Penanganan", "repairOk": "Perbaikan",
        "calendar": "Kalender kerja yang dipakai", "timezone": "Zona waktu", "workweek": "Hari kerja", "hours": "Jam kerja",
        "hoursByDay": "Jam kerja khusus per hari", "specialPeriods": "Periode khusus", "holidays": "Hari libur dan cuti bersama",
        "date": "Tanggal", "name": "Nama", "kind": "Jenis", "workingDays": "Jumlah hari kerja", "scheduledTotal": "Waktu kerja terjadwal per OPD",
        "maintenanceWindows": "Jendela pemeliharaan", "reason": "Alasan", "causes": "Penyebab dan pihak yang bertanggung jawab",
        "method": "Cara menghitung", "revisions": "Riwayat tutup buku", "closedBy": "Ditutup oleh", "closedAt": "Waktu",
        "note": "Catatan", "changes": "Perubahan dari revisi sebelumnya", "figure": "Angka", "before": "Sebelum", "after": "Sesudah",
        "preparedBy": "Dibuat oleh", "approvedBy": "Mengetahui", "nip": "NIP", "page": "Halaman", "of": "dari", "yes": "ya", "no": "tidak",
        "computedAt": "Dihitung", "reopened": "Dibuka kembali", "from": "Dari", "to": "Sampai", "target2": "Sasaran",
        "methodText": "Setiap detik waktu kerja terjadwal digolongkan: pemeliharaan, tanpa data, aktif, tak terjangkau (semua jalur hulu putus), atau putus. Dialami OPD = aktif / (jadwal - pemeliharaan); dari waktu terpantau juga tanpa 'tanpa data'. Tanggung jawab Diskominfo juga mengeluarkan waktu putus yang penyebab Berita Acara-nya di luar tanggung jawab Diskominfo (dikecualikan). Hasil dinilai dari angka tanggung jawab Diskominfo atas waktu terpantau terhadap target. Setiap angka dapat diperiksa dengan: pantau availability --month BULAN --explain.",
    ]

    static let en: [String: String] = [
        "title": "Intranet Service Availability Report", "period": "Period", "provisional": "PROVISIONAL - month not closed",
        "provisionalNote": "Figures may change until the month is closed (pantau month close).",
        "closed": "Closed", "revision": "Revision", "hash": "Content hash (SHA-256)", "coverage": "Data coverage",
        "summary": "Summary", "networkAvailability": "Network availability (Diskominfo accountable, of known time)",
        "experienced": "As experienced by the OPD", "accountable": "Diskominfo accountable", "ofScheduled": "of scheduled", "ofKnown": "of known time",
        "opdsMet": "OPDs meeting the target", "opdsMissed": "OPDs below target", "noData": "no data", "target": "Target",
        "missedList": "OPDs below target (worst first)", "lost": "Working time lost", "none": "None",
        "incidentsByPriority": "Incidents by priority", "incidentsByCause": "Incidents by suspected cause",
        "repair": "Repair time compliance", "priority": "Priority", "targetDays": "Target (working days)", "tickets": "Tickets",
        "within": "Within target", "breached": "Late", "running": "Running", "share": "Share",
        "dailyChart": "Daily network availability (all OPDs, Diskominfo accountable)", "heatMap": "Daily availability per OPD",
        "perOPD": "Per OPD", "opd": "OPD", "scheduled": "Scheduled", "up": "Up", "down": "Down",
        "unreachable": "Unreachable (upstream)", "unknown": "No data", "maintenance": "Maintenance", "excused": "Excused",
        "verdict": "Verdict", "met": "met", "notMet": "not met", "mttr": "MTTR (working time)", "incidents": "Incidents", "archive": "This month's Berita Acara (archive)",
        "durationsNote": "Durations in h:mm:ss of working time.", "trend": "12-month trend", "month": "Month",
        "source": "Source", "incidentList": "Incidents", "ticket": "Ticket", "sites": "OPDs cut off", "start": "Started",
        "recovered": "Recovered", "workingDuration": "Working time (this month / total)", "suspected": "Suspected cause",
        "closingCause": "Cause (Berita Acara)", "party": "Accountable", "resolution": "Resolution", "repairOk": "Repair",
        "calendar": "Working calendar used", "timezone": "Time zone", "workweek": "Working days", "hours": "Working hours",
        "hoursByDay": "Hours by weekday", "specialPeriods": "Special periods", "holidays": "Holidays and collective leave",
        "date": "Date", "name": "Name", "kind": "Kind", "workingDays": "Working days", "scheduledTotal": "Scheduled working time per OPD",
        "maintenanceWindows": "Maintenance windows", "reason": "Reason", "causes": "Causes and who is accountable",
        "method": "Method", "revisions": "Month close history", "closedBy": "Closed by", "closedAt": "At",
        "note": "Note", "changes": "Changes from the previous revision", "figure": "Figure", "before": "Before", "after": "After",
        "preparedBy": "Prepared by", "approvedBy": "Approved by", "nip": "NIP", "page": "Page", "of": "of", "yes": "yes", "no": "no",
        "computedAt": "Computed", "reopened": "Reopened", "from": "From", "to": "To", "target2": "Target",
        "methodText": "Every scheduled working second is classified: maintenance, no data, up, unreachable (every upstream path down), or down. As experienced = up / (scheduled - maintenance); of known time also without 'no data'. Diskominfo accountable further leaves out down time whose Berita Acara cause is outside Diskominfo's responsibility (excused). The verdict compares Diskominfo's accountable figure of known time with the target. Every figure can be checked with: pantau availability --month MONTH --explain.",
    ]
}
