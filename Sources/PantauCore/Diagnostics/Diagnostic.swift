/// One problem found in the inventory or probe profiles, located in its file.
///
/// Printed as `file:line: key.path: problem`, the format compilers use, so editors can jump to it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Comparable {
    public var file: String
    public var line: Int
    public var path: String
    public var message: String

    public init(file: String, line: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String { "\(file):\(line): \(path): \(message)" }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.file, a.line, a.path, a.message) < (b.file, b.line, b.path, b.message)
    }
}

/// An error with what was being done and on what, in the style of GRDB's `DatabaseError`.
public struct PantauError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidConfiguration, invalidInput, storage, transport, permission, notFound
    }
    public var code: Code
    /// What was being done, e.g. "opening ICMP socket".
    public var operation: String
    /// On what, e.g. a file or a target.
    public var subject: String?
    public var message: String

    public init(_ code: Code, operation: String, subject: String? = nil, message: String) {
        self.code = code
        self.operation = operation
        self.subject = subject
        self.message = message
    }

    public var description: String {
        // A sentence for people ("Finding the ticket (GGN-2026-11-0009) failed: no such ticket"),
        // not the code's name; the code stays available to callers.
        "\(operation.prefix(1).uppercased())\(operation.dropFirst())\(subject.map { " (\($0))" } ?? "") failed: \(message)"
    }
}
