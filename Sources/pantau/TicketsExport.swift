import ArgumentParser
import Foundation
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

/// `pantau tickets export`: the Berita Acara Penanganan as printable HTML (Bahasa Indonesia),
/// with the fields of the service catalog's form and the ticket's evidence.
struct TicketsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
                                                    abstract: "Write the Berita Acara Penanganan of a ticket as printable HTML.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Output file (default: NUMBER.html in the current folder; - for stdout).") var out: String?
    @Option(help: "City printed above the officer's signature (default: report.city in probes/report.yaml).") var city: String?

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let (t, events) = try await location.withStore(.readOnly) { try await TicketFormat.load($0, number) }
        let timers = TicketTimers(ticket: t, inventory: config.inventory, policy: config.incidents.priority,
                                  now: EpochSeconds(Date().timeIntervalSince1970))
        let doc = BeritaAcaraDocument(ticket: t, events: events, timers: timers, inventory: config.inventory, city: city ?? config.report.city)
        let custom = location.inventoryDirectory.appendingPath("templates/berita-acara.mustache")
        let html: String
        do { html = try doc.html(templateFile: custom) } catch {
            printErr("pantau: the Berita Acara template \(custom) is not valid mustache: \(error)")
            throw ExitCode(1)
        }
        let path = out ?? "\(t.number).html"
        if path == "-" { print(html); return }
        do { try html.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            printErr("pantau: writing \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        print(path)
    }
}

