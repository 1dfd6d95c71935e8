import ArgumentParser
import Foundation
import PantauCore
import PantauReports
import PantauStore

/// `pantau tickets export`: the Berita Acara Penanganan as printable HTML (Bahasa Indonesia),
/// with the fields of the service catalog's form and the ticket's evidence.
struct TicketsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
                                                    abstract: "Write the Berita Acara Penanganan of a ticket as printable HTML.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Output file (default: NUMBER.html in the current folder; - for stdout).") var out: String?
    @Option(help: "City printed above the officer's signature.") var city: String = ""

    func run() async throws {
        let config = try location.load(printWarnings: false)
        let store = try failing { try location.openStore() }
        let (t, _) = try await TicketFormat.load(store, number)
        let timers = TicketTimers(ticket: t, inventory: config.inventory, policy: config.incidents.priority,
                                  now: EpochSeconds(Date().timeIntervalSince1970))
        let html = BeritaAcaraHTML.render(t, timers: timers, inventory: config.inventory, city: city)
        let path = out ?? "\(t.number).html"
        if path == "-" { print(html); return }
        do { try html.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            printErr("pantau: writing \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        print(path)
    }
}

enum BeritaAcaraHTML {
    static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(c)
            }
        }
        return o
    }

    static func render(_ t: Ticket, timers: TicketTimers, inventory: Inventory, city: String) -> String {
        let tz = TimeZone(identifier: inventory.timezone) ?? .current
        let fmt = { (e: EpochSeconds?) in e.map { ISO8601.format($0, in: tz) } ?? "-" }
        let ba = t.beritaAcara
        let officers = (ba?.officers.isEmpty == false ? ba!.officers : ["", "", ""]).enumerated()
            .map { "\($0.offset + 1). \(esc($0.element.isEmpty ? "……………… / NIP. ………………" : $0.element))" }.joined(separator: "<br>")
        let affected = t.affectedSites.map { id in
            let s = inventory.site(id)
            return "<li>\(esc(id)) - \(esc(s?.name ?? ""))</li>"
        }.joined()
        func row(_ k: String, _ v: String) -> String { "<tr><th>\(k)</th><td>:</td><td>\(v)</td></tr>" }
        return """
        <!DOCTYPE html>
        <html lang="id"><head><meta charset="utf-8"><title>Berita Acara \(esc(t.number))</title>
        <style>
        body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 2cm; }
        h1 { font-size: 14pt; text-align: center; } h2 { font-size: 12pt; margin-top: 1.5em; }
        table.f th { text-align: left; width: 12em; vertical-align: top; } table.f td { vertical-align: top; }
        .sig { display: flex; justify-content: space-between; margin-top: 3em; } .sig div { width: 40%; }
        .small { font-size: 9pt; color: #333; } @media print { a { color: black; } }
        </style></head><body>
        <h1>Berita Acara Penanganan Layanan Jaringan Intra Pemerintah Daerah</h1>
        <p style="text-align:center">\(esc(inventory.organization))</p>
        <table class="f">
        \(row("Ditugaskan Kepada", esc(t.assignedTo ?? "")))
        \(row("Nama Petugas", officers))
        \(row("Kebutuhan", "Gangguan jaringan intra (tiket otomatis Pantau)"))
        \(row("Ringkasan Pekerjaan", esc(ba?.workSummary ?? "")))
        \(row("Ringkasan Masalah", esc(ba?.problemSummary ?? "\(t.cause.textID): \(t.evidence.first ?? "")")))
        \(row("Alternatif Solusi", esc(ba?.alternativeSolution ?? "")))
        \(row("Lokasi", esc(ba?.location ?? "")))
        </table>
        <h2>Rincian gangguan</h2>
        <table class="f">
        \(row("Tiket ID", esc(t.number)))
        \(row("Prioritas", "\(t.priority.rawValue) <span class=\"small\">(\(esc(t.priorityReason)))</span>"))
        \(row("Dugaan penyebab", "\(esc(t.cause.textID)) (\(t.cause.rawValue))"))
        \(row("Akar masalah", esc(t.root)))
        \(row("Mulai gangguan", fmt(t.startedAt)))
        \(row("Tiket dibuka", fmt(t.openedAt)))
        \(row("Pulih", fmt(t.recoveredAt ?? t.resolvedAt)))
        \(row("Lama gangguan", "\(DurationText.hms(timers.outageWallSeconds)) (jam kerja: \(DurationText.hms(timers.outageWorkingSeconds)))"))
        \(row("Situs terdampak", affected.isEmpty ? "-" : "<ul>\(affected)</ul>"))
        \(row("Bukti", "<ul>" + t.evidence.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"))
        \(row("Target SLA", "<ul>" + timers.ledger.map { "<li class=\"small\">\(esc($0))</li>" }.joined() + "</ul>"))
        \(row("Tanggal", fmt(t.closedAt ?? t.resolvedAt ?? t.openedAt)))
        </table>
        <div class="sig"><div>Pemohon,<br><br><br><br>……………………<br>NIP</div>
        <div>\(esc(city))\(city.isEmpty ? "" : ", ")\(t.closedAt.map { String(ISO8601.format($0, in: tz).prefix(10)) } ?? "")<br>Petugas,<br><br><br><br>……………………<br>NIP</div></div>
        </body></html>
        """
    }
}
