import Foundation
import XCTest
import PantauCore
import PantauReports

/// A WeasyPrint that never finishes (a huge month, a stuck font lookup) is stopped past the
/// timeout and the call fails saying so, instead of holding a web request or the CLI forever.
final class WeasyPrintTimeoutTests: XCTestCase {
    func testAStuckRendererIsStoppedAtTheTimeout() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-fake-weasyprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = dir.appendingPathComponent("weasyprint")
        try "#!/bin/sh\nexec sleep 60\n".write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        let oldPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        setenv("PATH", dir.path + ":" + oldPath, 1)
        defer { setenv("PATH", oldPath, 1) }
        let started = Date()
        do {
            try await WeasyPrint.render(html: "<p>x</p>", to: dir.appendingPathComponent("out.pdf").path, timeout: 1)
            XCTFail("a renderer that never finishes must not produce a PDF")
        } catch let e as PantauError {
            XCTAssertTrue(e.message.contains("no PDF within 1 s"), e.description)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "stopped at the timeout, not after the renderer's 60 s")
    }
}
