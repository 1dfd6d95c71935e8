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

    /// How long a PDF may take before WeasyPrint is stopped (a 1,000-site month takes about a minute).
    public static let defaultTimeout: Double = 300

    /// Renders `html` into `pdfPath` (PDF/A-3b), waiting for WeasyPrint off the cooperative pool;
    /// past `timeout` seconds it is terminated (then killed) and the call fails saying so. The
    /// HTML has no external reference, so nothing is fetched.
    public static func render(html: String, to pdfPath: String, timeout: Double = defaultTimeout) async throws {
        try await BlockingQueue.shared.run { try renderBlocking(html: html, to: pdfPath, timeout: timeout) }
    }

    /// The blocking render (a thread of its own: the CLI, or `render` above).
    public static func renderBlocking(html: String, to pdfPath: String, timeout: Double = defaultTimeout) throws {
        guard let exe = executable() else {
            throw PantauError(.notFound, operation: "writing the PDF", subject: pdfPath,
                              message: "WeasyPrint is not installed: apt-get install weasyprint (or use --format html and print it from a browser)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("report.html"), errors = dir.appendingPathComponent("stderr.txt")
        try Data(html.utf8).write(to: input)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["--quiet", "--pdf-variant", "pdf/a-3b", input.path, pdfPath]
        let err = try FileHandle(forWritingTo: errors)
        defer { try? err.close() }
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            p.terminate()
            if done.wait(timeout: .now() + 5) == .timedOut {
                kill(p.processIdentifier, SIGKILL)
                done.wait()
            }
            throw PantauError(.transport, operation: "writing the PDF with \(exe)", subject: pdfPath,
                              message: "no PDF within \(Int(timeout)) s; WeasyPrint was stopped")
        }
        guard p.terminationStatus == 0 else {
            let message = (try? Data(contentsOf: errors)) ?? Data()
            throw PantauError(.transport, operation: "writing the PDF with \(exe)", subject: pdfPath,
                              message: "exit \(p.terminationStatus): \(String(decoding: message, as: UTF8.self).suffix(600))")
        }
    }
}
