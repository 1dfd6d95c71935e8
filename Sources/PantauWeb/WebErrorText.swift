import PantauCore

/// What the dashboard answers when it refuses a request, in Bahasa Indonesia (the English is the
/// message the route threw). A message without a line here is shown under a heading in the
/// reader's language with the English beside it, marked `lang="en"`.
enum WebErrorText {
    static let book = Phrasebook(lines: [
        ("{=} failed: {*}", "$1 gagal: $2"),
        ("Recording a report ({id})", "Mencatat laporan ($1)"), ("Opening an installation ticket ({id})", "Membuka tiket pemasangan ($1)"),
        ("Recording a handover ({id})", "Mencatat serah terima ($1)"), ("Acknowledging ({id})", "Menerima tiket ($1)"),
        ("Resolving ({id})", "Menandai pulih ($1)"), ("Closing ({id})", "Menutup tiket ($1)"), ("Adding a user ({=})", "Menambah pengguna ($1)"),
        ("the ticket is closed", "tiket sudah ditutup"), ("the ticket is {w}", "status tiket: $1"),
        ("no site with this id in the inventory", "tidak ada situs dengan id ini di inventory"), ("say what is wrong", "tuliskan apa yang terjadi"),
        ("no link with this id in the inventory", "tidak ada tautan dengan id ini di inventory"),
        ("a user with this name exists", "pengguna dengan nama ini sudah ada"),
        ("missing or wrong CSRF token; reload the page and try again", "token formulir hilang atau salah; muat ulang halaman lalu coba lagi"),
        ("the login form expired or came from another site; reload the page", "formulir masuk kedaluwarsa atau berasal dari situs lain; muat ulang halaman"),
        ("a session needs the X-CSRF-Token header to change anything", "sesi memerlukan header X-CSRF-Token untuk mengubah data"),
        ("for administrators", "khusus admin"), ("metrics are for the network team", "metrik hanya untuk tim jaringan"),
        ("your role may not change tickets", "peran Anda tidak boleh mengubah tiket"),
        ("your role may not open installation tickets", "peran Anda tidak boleh membuka tiket pemasangan"),
        ("a manager's account reads; it does not report", "akun manajer hanya membaca; tidak membuat laporan"),
        ("you may report only for your own site(s){=}", "Anda hanya boleh melapor untuk situs Anda sendiri$1"),
        ("this belongs to a site your account may not read", "ini milik situs yang tidak boleh dibaca akun Anda"),
        ("an opd user needs at least one site", "pengguna opd memerlukan paling sedikit satu situs"),
        ("sites are for opd users only", "situs hanya untuk pengguna opd"), ("unknown role", "peran tidak dikenal"),
        ("an admin cannot disable their own account", "admin tidak dapat menonaktifkan akunnya sendiri"),
        ("officers, problem and work are required", "petugas, masalah dan pekerjaan wajib diisi"),
        ("who received it and the equipment are required", "penerima dan perangkat wajib diisi"),
        ("the form is incomplete", "formulir belum lengkap"), ("month is YYYY-MM", "bulan ditulis YYYY-MM"),
        ("no such site", "situs tidak ditemukan"), ("no site '{=}'", "tidak ada situs '$1'"), ("no ticket {id}", "tidak ada tiket $1"),
        ("no archived Berita Acara {id}", "tidak ada Berita Acara terarsip $1"), ("no monthly report here", "laporan bulanan tidak tersedia di sini"),
        ("'{=}' is not a closing cause", "'$1' bukan kode penyebab penutupan"),
        ("field '{=}' is missing", "isian '$1' belum ada"), ("field '{=}' has the wrong type", "isian '$1' jenisnya salah"),
        ("the body is not the expected JSON", "isi permintaan bukan JSON yang diharapkan"),
        ("the body must be one JSON object", "isi permintaan harus satu objek JSON"),
        ("'{=}' is not a contact: write email:ADDRESS, telegram:CHAT_ID or whatsapp:+62NUMBER",
         "'$1' bukan kontak: tulis email:ALAMAT, telegram:CHAT_ID atau whatsapp:+62NOMOR"),
        ("'{=}' is not an e-mail address", "'$1' bukan alamat e-mail"),
        ("'{=}' is not a Telegram chat id (digits, or @channel)", "'$1' bukan chat id Telegram (angka, atau @kanal)"),
        ("'{=}' is not a phone number (+6281234567890 or 081234567890)", "'$1' bukan nomor telepon (+6281234567890 atau 081234567890)"),
        ("'{=}' is not an Indonesian mobile number (+62 8xx, 10 to 13 digits)", "'$1' bukan nomor seluler Indonesia (+62 8xx, 10 sampai 13 angka)"),
        ("request too large: at most 64 KiB (permintaan terlalu besar: paling banyak 64 KiB)", "permintaan terlalu besar: paling banyak 64 KiB"),
    ])

    /// The heading of a refusal by its status.
    static func heading(_ status: Int, _ lang: WebLanguage) -> String {
        let id: String, en: String
        switch status {
        case 400: (id, en) = ("Permintaan tidak dapat diproses", "The request cannot be processed")
        case 401: (id, en) = ("Perlu masuk", "Log in first")
        case 403: (id, en) = ("Tidak diizinkan", "Not allowed")
        case 404: (id, en) = ("Tidak ditemukan", "Not found")
        case 409: (id, en) = ("Tidak dapat dilakukan sekarang", "Cannot be done now")
        case 413: (id, en) = ("Permintaan terlalu besar", "Request too large")
        case 429: (id, en) = ("Terlalu banyak permintaan", "Too many requests")
        default: (id, en) = ("Permintaan ditolak", "The request was refused")
        }
        return lang == .en ? en : id
    }
}
