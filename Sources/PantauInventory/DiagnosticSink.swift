import PantauCore

/// Collects every problem found while loading, so `pantau check` can report them all at once.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    func add(_ file: String, _ line: Int, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: line, path: path, message: message))
    }

    var isEmpty: Bool { diagnostics.isEmpty }
}
