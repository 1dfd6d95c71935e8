import ArgumentParser
import Foundation
import PantauCore
import PantauInventory
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case html, pdf, csv, json
    case incidentsCSV = "incidents-csv"
}

/// `pantau report`: the monthly availability report managers sign.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The monthly availability report (HTML, PDF, CSV or JSON); a closed month is rendered from its frozen figures.",
        discussion: """
        Without --month: last month. A month closed with 'pantau month close' is rendered from \
        the figures frozen then (the same numbers whatever was edited since); an open month is \
        computed now and labelled provisional. PDF is printed by WeasyPrint (apt-get install weasyprint).
        """)

    @OptionGroup var location: LocationOptions

    @Option(help: "Month in local time, YYYY-MM (default: last month).")
    var month: String?

    @Option(help: "Output: html, pdf, csv (one row per OPD), incidents-csv, or json.")
    var format: ReportFormat = .html

    @Option(help: "Language: id (Bahasa Indonesia) or en.")
    var lang: Language = .id

    @Option(help: "Output file (default: stdout; for pdf: laporan-ketersediaan-YYYY-MM.pdf).")
    var out: String?

    @Option(help: "Only this OPD.")
    var site: String?

    @Option(help: "A revision of a closed month (0, 1, …; default: the one in force).")
    var revision: Int?

    @Flag(help: "Print the built-in HTML template (copy it to <inventory>/templates/report.mustache to change it).")
    var showTemplate = false

    func validate() throws {
        if let month, YearMonth(month) == nil { throw ValidationError("--month must be YYYY-MM (e.g. 2026-03), got '\(month)'") }
    }

    func run() async throws {
        if showTemplate { print(MonthlyReportDocument.defaultTemplate); return }
        let config = try location.load(readOnly: true)
        let builder = try failing {
            try MonthlyReportBuilder(inventory: config.inventory, priority: config.incidents.priority, report: config.report)
        }
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let ym = month.flatMap(YearMonth.init) ?? YearMonth(builder.query.calendar.localDate(of: now)).previous
        if let site {
            guard let s = config.inventory.site(site) else { throw usageError(Self.self, "no site with id '\(site)' in the inventory") }
            guard s.role == .opd else { throw usageError(Self.self, "'\(site)' is a \(s.role.rawValue) site; the report is per OPD") }
        }
        if let w = config.inventory.calendar.holidayWarning(for: ym) { printErr("warning: \(w)") }
        try await location.withStore(.readOnly) { store in try await render(ym, store: store, config: config, builder: builder, now: now) }
    }

    /// The report of `ym` from `store`, in the chosen format.
    func render(_ ym: YearMonth, store: any CommandStore, config: LoadedConfiguration, builder: MonthlyReportBuilder,
                now: EpochSeconds) async throws {
        var report = try await failingAsync {
            try await MonthlyReport.load(month: ym, revision: revision, builder: builder, store: store, now: now, hashed: format != .json)
        }
        if let site, let f = report.figures.restricted(to: site) { report.figures = f }
        if !report.isClosed { printErr("note: \(ym) is not closed: the figures are provisional ('pantau month close \(ym) --by NAME' freezes them)") }
        // The month's archived Berita Acara, linked from the report and written beside it.
        let archive = try await failingAsync { try await store.archive(month: ym.description) }.filter { site == nil || $0.sites.contains(site!) || $0.root == site }
        switch format {
        case .json: try stream { try MonthlyReportJSON.write(report, to: $0) }
        case .csv: try emit(MonthlyReportCSV.opds(report))
        case .incidentsCSV: try emit(MonthlyReportCSV.incidents(report))
        case .html:
            try emit(try html(report, config: config, archive: archive))
            if let out, out != "-" { try await writeArchive(archive, beside: out, store: store) }
        case .pdf:
            let path = out ?? (lang == .id ? "laporan-ketersediaan-\(ym)" : "availability-report-\(ym)") + (site.map { "-\($0)" } ?? "") + ".pdf"
            let doc = try html(report, config: config, archive: archive)
            try failing { try WeasyPrint.renderBlocking(html: doc, to: path) }
            print(path)
            try await writeArchive(archive, beside: path, store: store)
        }
    }

    /// The archived Berita Acara the report links, as `berita-acara/NUMBER.html` beside `path`.
    func writeArchive(_ archive: [ArchiveEntry], beside path: String, store: any HelpdeskStore) async throws {
        guard !archive.isEmpty else { return }
        let dir = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("berita-acara")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for e in archive {
            guard let doc = try await failingAsync({ try await store.archivedDocument(e.number) }) else { continue }
            try doc.html.write(toFile: (dir as NSString).appendingPathComponent("\(e.number).html"), atomically: true, encoding: .utf8)
        }
        print("\(dir)/ (\(archive.count) Berita Acara)")
    }

    func html(_ report: MonthlyReport, config: LoadedConfiguration, archive: [ArchiveEntry] = []) throws -> String {
        let signedOn = report.revisions.last(where: { $0.revision == report.revision }).flatMap { ISO8601.parse($0.closedAt) }
            ?? EpochSeconds(Date().timeIntervalSince1970)
        let doc = MonthlyReportDocument(report: report, config: config.report, lang: lang == .id ? .id : .en,
                                        logo: try logoURI(config), signedOn: signedOn, archive: archive)
        let custom = location.inventoryDirectory.appendingPath("templates/report.mustache")
        do { return try doc.html(templateFile: custom) } catch {
            printErr("pantau: the report template \(custom) is not valid mustache: \(error)")
            throw ExitCode(1)
        }
    }

    /// The letterhead logo as a data: URI, so the page needs no file beside it.
    func logoURI(_ config: LoadedConfiguration) throws -> String? {
        guard let logo = config.report.logo else { return nil }
        let path = logo.hasPrefix("/") ? logo : location.inventoryDirectory.appendingPath(logo)
        guard let data = FileManager.default.contents(atPath: path) else {
            printErr("pantau: report.logo \(path) cannot be read")
            throw ExitCode(1)
        }
        let ext = (path as NSString).pathExtension.lowercased()
        let mime = ext == "svg" ? "image/svg+xml" : ext == "png" ? "image/png" : "image/jpeg"
        return "data:\(mime);base64,\(data.base64EncodedString())"
    }

    /// Writes what `produce` hands over, piece by piece, to `--out` (renamed into place when
    /// complete) or stdout, never holding the whole output.
    func stream(_ produce: ((String) throws -> Void) throws -> Void) throws {
        let toFile = out.map { $0 != "-" } ?? false
        let path = toFile ? out! + ".partial" : nil
        if let path { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = path.map({ FileHandle(forWritingAtPath: $0) }) ?? FileHandle.standardOutput else {
            printErr("pantau: writing \(out ?? "-"): cannot open \(path ?? "stdout")")
            throw ExitCode(1)
        }
        do {
            try produce { try handle.write(contentsOf: Data($0.utf8)) }
            try handle.write(contentsOf: Data("\n".utf8))
            if let path {
                try handle.close()
                guard rename(path, out!) == 0 else { throw PantauError(.storage, operation: "renaming \(path)", subject: out!, message: String(cString: strerror(errno))) }
                print(out!)
            }
        } catch {
            if let path { try? FileManager.default.removeItem(atPath: path) }
            printErr("pantau: writing \(out ?? "stdout"): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }

    func emit(_ text: String) throws {
        guard let out, out != "-" else { print(text, terminator: text.utf8.last == 0x0A ? "" : "\n"); return }
        do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
            printErr("pantau: writing \(out): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        print(out)
    }
}
