import Foundation
import XCTest
import Yams
@testable import PantauInventory

/// The fast composer (libyaml events, no tag guessing, no hashed duplicate-key pass) builds the
/// same tree as `Yams.compose` — strings, shapes, lines and columns — on every YAML file the
/// project ships and on the tricky corners of the syntax, and fails on the same line.
final class YAMLComposerTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func assertSame(_ a: Node, _ b: Node, _ where_: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.mark?.line, b.mark?.line, "\(where_): line", file: file, line: line)
        XCTAssertEqual(a.mark?.column, b.mark?.column, "\(where_): column", file: file, line: line)
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            XCTAssertEqual(x.string, y.string, where_, file: file, line: line)
            XCTAssertEqual(x.style, y.style, "\(where_): style", file: file, line: line)
        case (.mapping(let x), .mapping(let y)):
            XCTAssertEqual(x.count, y.count, "\(where_): pairs", file: file, line: line)
            for ((k1, v1), (k2, v2)) in zip(x, y) {
                assertSame(k1, k2, "\(where_).key", file: file, line: line)
                assertSame(v1, v2, "\(where_).\(k1.string ?? "?")", file: file, line: line)
            }
        case (.sequence(let x), .sequence(let y)):
            XCTAssertEqual(x.count, y.count, "\(where_): items", file: file, line: line)
            for (i, (p, q)) in zip(x, y).enumerated() { assertSame(p, q, "\(where_)[\(i)]", file: file, line: line) }
        default:
            XCTFail("\(where_): \(a) is not \(b)", file: file, line: line)
        }
    }

    func testEveryShippedYAMLFileComposesAsYamsDoes() throws {
        let fm = FileManager.default
        var files: [URL] = []
        for dir in ["inventory", "probes", "Tests", "deploy", "docs"] {
            guard let e = fm.enumerator(at: Self.root.appendingPathComponent(dir), includingPropertiesForKeys: nil) else { continue }
            for case let u as URL in e where u.pathExtension == "yaml" || u.pathExtension == "yml" { files.append(u) }
        }
        XCTAssertGreaterThanOrEqual(files.count, 8, "the sample inventory and probes at least")
        for f in files {
            let text = try String(contentsOf: f, encoding: .utf8)
            let theirs = try? Yams.compose(yaml: text)
            guard let theirs, let yours = try? YAMLComposer.compose(text) else {
                XCTAssertNil(theirs, "\(f.lastPathComponent): Yams reads it, the composer does not")
                continue
            }
            assertSame(yours, theirs, f.lastPathComponent)
        }
    }

    func testTheCornersOfTheSyntax() throws {
        let samples = [
            "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e, f: ~}\n",
            "list:\n  - &base {kind: fo-aerial, bw: 50}\n  - *base\n  - name: \"Dinas Pendidikan\\u00e9\"\n",
            "text: |\n  baris satu\n  baris dua\nfolded: >\n  a\n  b\nempty:\nquoted: ''\n",
            "# a comment\n---\nsites:\n  - {id: dc, name: 'Pusat Data', map: {x: 10, y: -2.5}}  # trailing\n...\n",
            "? complex key\n: value\nyes: no\non: off\n0x1F: 1e3\n",
            "",
            "just a scalar",
        ]
        for (i, s) in samples.enumerated() {
            let theirs = try Yams.compose(yaml: s)
            let yours = try YAMLComposer.compose(s)
            switch (yours, theirs) {
            case (nil, nil): continue
            case (let a?, let b?): assertSame(a, b, "sample \(i)")
            default: XCTFail("sample \(i): \(String(describing: yours)) vs \(String(describing: theirs))")
            }
        }
    }

    func testSyntaxErrorsOnTheSameLine() {
        let broken = [
            "a: 1\nb: [unclosed\nc: 2\n",
            "sites:\n  - id: a\n   name: bad indent\n",
            "a: \"unterminated\n",
            "a: *nowhere\n",
            "a: 1\n---\nb: 2\n",
            "key: value: another\n",
        ]
        for s in broken {
            var theirLine = -1
            do { _ = try Yams.compose(yaml: s) } catch let e as YamlError {
                switch e {
                case .scanner(_, _, let m, _), .parser(_, _, let m, _), .composer(_, _, let m, _): theirLine = m.line
                default: theirLine = 0
                }
            } catch { theirLine = 0 }
            do {
                _ = try YAMLComposer.compose(s)
                XCTFail("accepted: \(s.debugDescription)")
            } catch {
                XCTAssertGreaterThan(error.line, 0)
                if theirLine > 0 { XCTAssertEqual(error.line, theirLine, "\(s.debugDescription): \(error.problem)") }
            }
        }
    }
}
