import Foundation
import XCTest
import PantauCore
import PantauSQLite

/// Issue 31: a truncated spool made the engine start a fresh one silently (the spooled outage
/// never reached the centre, nobody told); a corrupt page made it refuse to start, a restart
/// loop under `Restart=always`, without saying how to get out. Checked at start now: a damaged
/// spool is moved aside with what it held said, and a fresh one opens.
final class SpoolDamageTests: XCTestCase {
    func spoolWithEntries(_ n: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-spool-\(UUID().uuidString).sqlite").path
        let spool = try Spool(path: path)
        let session = try spool.begin(ObservationSource(.icmp, engine: "pop"), at: 1000, detail: "")
        for i in 0..<n { try spool.append(ObservationBatch(source: ObservationSource(.icmp, engine: "pop"), at: 1000 + EpochSeconds(i)), session: session) }
        return path
    }

    func testASoundSpoolOpensAsItIs() throws {
        let path = try spoolWithEntries(3)
        let (spool, damage) = try Spool.openChecked(path: path, now: 2000)
        XCTAssertNil(damage)
        XCTAssertEqual(try spool.backlog(), 4)
    }

    func testATruncatedSpoolIsMovedAsideAndSaid() throws {
        let path = try spoolWithEntries(3)
        XCTAssertEqual(truncate(path, 0), 0)
        let (spool, damage) = try Spool.openChecked(path: path, now: 2000)
        let d = try XCTUnwrap(damage, "a truncated spool is not a fresh one")
        XCTAssertEqual(d.movedTo, path + ".damaged-2000")
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.movedTo))
        XCTAssertTrue("\(d)".contains("empty") && "\(d)".contains("did not reach the centre"), "\(d)")
        XCTAssertEqual(try spool.backlog(), 0, "probing starts on a fresh spool")
    }

    func testACorruptPageIsMovedAsideNotARestartLoop() throws {
        let path = try spoolWithEntries(200)
        // Scribble over the pages after the first (the schema survives, the entries' b-tree does not).
        let fd = open(path, O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let junk = [UInt8](repeating: 0xA5, count: 4096 * 3)
        XCTAssertEqual(pwrite(fd, junk, junk.count, 4096 * 2), junk.count)
        close(fd)
        let (spool, damage) = try Spool.openChecked(path: path, now: 3000)
        let d = try XCTUnwrap(damage)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".damaged-3000"))
        XCTAssertTrue("\(d)".contains("moved aside to \(path).damaged-3000"), "\(d)")
        let fresh = try spool.begin(ObservationSource(.icmp, engine: "pop"), at: 3000, detail: "")
        XCTAssertGreaterThan(fresh, 0, "the fresh spool takes entries")
    }
}
