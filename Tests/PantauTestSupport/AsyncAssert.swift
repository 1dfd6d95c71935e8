import XCTest

// XCTest's assertions take synchronous autoclosures; the store is async. These await the
// expression first, then assert, with the caller's file and line.

public func XCTAssertEqualAsync<T: Equatable>(_ a: @autoclosure () async throws -> T, _ b: @autoclosure () async throws -> T,
                                              _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) async {
    do {
        let x = try await a(), y = try await b()
        XCTAssertEqual(x, y, message(), file: file, line: line)
    } catch { XCTFail("threw \(error) \(message())", file: file, line: line) }
}

public func XCTAssertNilAsync<T>(_ a: @autoclosure () async throws -> T?, _ message: @autoclosure () -> String = "",
                                 file: StaticString = #filePath, line: UInt = #line) async {
    do {
        let x = try await a()
        XCTAssertNil(x, message(), file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message())", file: file, line: line)
    }
}

public func XCTAssertTrueAsync(_ a: @autoclosure () async throws -> Bool, _ message: @autoclosure () -> String = "",
                               file: StaticString = #filePath, line: UInt = #line) async {
    do {
        let x = try await a()
        XCTAssertTrue(x, message(), file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message())", file: file, line: line)
    }
}

public func XCTAssertThrowsErrorAsync<T>(_ a: @autoclosure () async throws -> T, _ message: @autoclosure () -> String = "",
                                         file: StaticString = #filePath, line: UInt = #line, _ handler: (Error) -> Void = { _ in }) async {
    do {
        _ = try await a()
        XCTFail("did not throw \(message())", file: file, line: line)
    } catch { handler(error) }
}
