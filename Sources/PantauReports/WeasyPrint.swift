import Foundation
import PantauCore

/// Prints the report's HTML to PDF with WeasyPrint (Debian package `weasyprint`): CSS paged
/// media (page footers, "Halaman X dari Y"), inline SVG, and PDF/A-3b for archiving.
public enum WeasyPrint {
    /// The `weasyprint` executable on PATH, or nil.
    public static func executable(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/weasyprint"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Renders `html` into `pdfPath` (PDF/A-3b). The HTML has no external reference, so nothing is fetched.
    public static func render(html: String, to pdfPath: String) throws {
        guard let exe = executable() else {
            throw PantauError(.notFound, operation: "writing the PDF", subject: pdfPath,
                              message: "WeasyPrint is not installed: apt-get install weasyprint (or use --format html and print it from a browser)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: input)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["--quiet", "--pdf-variant", "pdf/a-3b", input.path, pdfPath]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw PantauError(.transport, operation: "writing the PDF with \(exe)", subject: pdfPath,
                              message: "exit \(p.terminationStatus): \(String(decoding: message, as: UTF8.self).suffix(600))")
        }
    }
}
