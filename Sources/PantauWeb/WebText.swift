/// The words of the pages, Bahasa Indonesia first and English, by key. Templates read them as
/// `{{t.key}}`.
enum WebText {
    static func table(_ lang: WebLanguage) -> [String: String] { lang == .en ? en : id }

    static let id: [String: String] = [
        "appTitle": "Pantau — pemantauan jaringan", "overview": "Ringkasan", "tickets": "Tiket gangguan", "availability": "Ketersediaan",
        "logout": "Keluar", "login": "Masuk", "user": "Nama pengguna", "password": "Kata sandi", "loginFailed": "Nama pengguna atau kata sandi salah.",
        "sites": "Situs", "links": "Tautan", "state": "Status", "since": "Sejak", "rtt": "RTT (ms)", "loss": "Loss (%)",
        "openTickets": "Tiket terbuka", "noOpenTickets": "Tidak ada tiket terbuka.", "priority": "Prioritas", "cause": "Dugaan penyebab",
        "affected": "OPD terdampak", "opened": "Dibuka", "number": "Nomor", "engineHealth": "Kesehatan mesin", "source": "Sumber",
        "lastSeen": "Terakhir terlihat", "cycle": "Siklus terakhir", "late": "Terlambat", "outbox": "Antrian notifikasi",
        "monthToDate": "Ketersediaan bulan berjalan", "target": "Target", "scheduled": "Jam kerja terjadwal", "down": "Putus",
        "unreachable": "Tak terjangkau", "unknown": "Tanpa data", "maintenance": "Pemeliharaan", "verdict": "Status SLA",
        "met": "Memenuhi", "notMet": "Tidak memenuhi", "noData": "belum ada data", "acknowledge": "Terima & tangani",
        "resolve": "Tandai pulih", "close": "Tutup dengan Berita Acara", "note": "Catatan", "ledger": "Riwayat tiket",
        "response": "Waktu respons", "repair": "Waktu perbaikan", "due": "Tenggat", "elapsed": "Berjalan", "breached": "terlampaui",
        "assignedTo": "Ditangani oleh", "live": "Pembaruan langsung", "liveOff": "tanpa JavaScript: muat ulang untuk memperbarui",
        "officers": "Petugas (Nama (NIP ...)), satu per baris", "problem": "Ringkasan masalah", "work": "Ringkasan pekerjaan",
        "alternative": "Solusi alternatif", "place": "Lokasi", "closingCause": "Penyebab (kode)", "export": "Ekspor JSON",
        "explain": "Rincian", "report": "Laporan bulanan", "role": "Peran", "site": "Situs", "kind": "Jenis", "traffic": "Lalu lintas",
        "inBps": "Masuk (bps)", "outBps": "Keluar (bps)", "optical": "Daya optik", "tree": "Topologi", "state.up": "normal",
        "state.down": "putus", "state.unknown": "tanpa data", "state.unresolved": "nama tak terurai", "users": "Pengguna",
        "forbidden": "Anda tidak berhak melihat halaman ini.", "notFound": "Tidak ditemukan.", "language": "English",
        "intervals": "Interval", "from": "Dari", "to": "Sampai", "duration": "Durasi", "month": "Bulan",
        "configuration": "Konfigurasi", "name": "Nama", "enable": "Aktifkan", "disable": "Nonaktifkan", "newPassword": "kata sandi baru",
        "setPassword": "Ganti kata sandi", "addUser": "Tambah pengguna", "sitesOPD": "Situs (untuk peran opd, pisahkan dengan koma)",
        "auditLog": "Log audit", "contract": "Kontrak", "use": "Utilisasi", "behind": "Situs di belakang tautan ini",
        "unwatched": "Tautan ini tidak dipantau lewat SNMP (tanpa port di inventory): statusnya mengikuti situs di ujungnya.", "at": "Waktu", "action": "Tindakan",
        "configNote": "Konfigurasi yang dipakai mesin (dari inventory/ dan probes/); diubah di berkas lalu pantau check. Kredensial tidak pernah ditampilkan.",
    ]

    static let en: [String: String] = [
        "appTitle": "Pantau — network monitor", "overview": "Overview", "tickets": "Gangguan tickets", "availability": "Availability",
        "logout": "Log out", "login": "Log in", "user": "User name", "password": "Password", "loginFailed": "Wrong user name or password.",
        "sites": "Sites", "links": "Links", "state": "State", "since": "Since", "rtt": "RTT (ms)", "loss": "Loss (%)",
        "openTickets": "Open tickets", "noOpenTickets": "No open tickets.", "priority": "Priority", "cause": "Suspected cause",
        "affected": "OPDs affected", "opened": "Opened", "number": "Number", "engineHealth": "Engine health", "source": "Source",
        "lastSeen": "Last seen", "cycle": "Last cycle", "late": "Late", "outbox": "Notification backlog",
        "monthToDate": "Month-to-date availability", "target": "Target", "scheduled": "Scheduled working time", "down": "Down",
        "unreachable": "Unreachable", "unknown": "No data", "maintenance": "Maintenance", "verdict": "SLA verdict",
        "met": "Met", "notMet": "Not met", "noData": "no data yet", "acknowledge": "Acknowledge & take",
        "resolve": "Mark resolved", "close": "Close with the Berita Acara", "note": "Note", "ledger": "Ticket ledger",
        "response": "Response time", "repair": "Repair time", "due": "Due", "elapsed": "Elapsed", "breached": "breached",
        "assignedTo": "Assigned to", "live": "Live updates", "liveOff": "without JavaScript: reload to update",
        "officers": "Officers (Name (NIP ...)), one per line", "problem": "Problem summary", "work": "Work done",
        "alternative": "Alternative solution", "place": "Location", "closingCause": "Cause (code)", "export": "Export JSON",
        "explain": "Explain", "report": "Monthly report", "role": "Role", "site": "Site", "kind": "Kind", "traffic": "Traffic",
        "inBps": "In (bps)", "outBps": "Out (bps)", "optical": "Optical power", "tree": "Topology", "state.up": "up",
        "state.down": "down", "state.unknown": "no data", "state.unresolved": "name unresolved", "users": "Users",
        "forbidden": "You may not see this page.", "notFound": "Not found.", "language": "Bahasa Indonesia",
        "intervals": "Intervals", "from": "From", "to": "To", "duration": "Duration", "month": "Month",
        "configuration": "Configuration", "name": "Name", "enable": "Enable", "disable": "Disable", "newPassword": "new password",
        "setPassword": "Set password", "addUser": "Add user", "sitesOPD": "Sites (for the opd role, comma-separated)",
        "auditLog": "Audit log", "contract": "Contract", "use": "Utilisation", "behind": "Sites behind this link",
        "unwatched": "This link is not watched over SNMP (no ports in the inventory): its state follows the sites at its ends.", "at": "At", "action": "Action",
        "configNote": "The configuration the engine runs with (from inventory/ and probes/); change the files, then pantau check. Credentials are never shown.",
    ]
}
