import CYaml
import Yams

/// Builds the node tree of a YAML document from libyaml's events, as `Yams.compose` does, but
/// without what a configuration file does not need: no tag resolution by regular expression (every
/// value is read as text by `YAMLReader`, which says what it expected) and no duplicate-key pass
/// over hashed nodes (`YAMLReader.mapping` names a repeated key with its line). Yams spent half of
/// a 10,000-site `network.yaml`'s load time there. The trees are equal to Yams' (strings, shape,
/// lines and columns), which `YAMLComposerTests` checks on every file the project ships.
enum YAMLComposer {
    /// A syntax error where libyaml found it (1-based line).
    struct SyntaxError: Error {
        var line: Int
        var problem: String
        var context: String?
    }

    /// The first document's root (nil for an empty stream).
    static func compose(_ yaml: String) throws(SyntaxError) -> Node? {
        var bytes = Array(yaml.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SyntaxError(line: 1, problem: "cannot start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeMutableBufferPointer { (buf) throws(SyntaxError) -> Node? in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return try run(&parser)
        }
    }

    /// An open mapping or sequence (a class: appending never copies what it holds).
    final class Frame {
        let isMapping: Bool
        let mark: Mark
        let anchor: String?
        var pairs: [(Node, Node)] = []
        var nodes: [Node] = []
        var key: Node?
        init(mapping: Bool, mark: Mark, anchor: String?) {
            isMapping = mapping
            self.mark = mark
            self.anchor = anchor
        }
    }

    static func run(_ parser: inout yaml_parser_t) throws(SyntaxError) -> Node? {
        // One tag object per kind for the whole document: explicit, so never re-resolved (shared safely).
        let text = Tag(.str), map = Tag(.map), seq = Tag(.seq)
        var stack: [Frame] = []
        var anchors: [String: Node] = [:]
        var root: Node?
        var ended = false
        var event = yaml_event_t()
        func add(_ node: Node) {
            guard let top = stack.last else { root = node; return }
            if !top.isMapping {
                top.nodes.append(node)
            } else if let key = top.key {
                top.pairs.append((key, node))
                top.key = nil
            } else {
                top.key = node
            }
        }
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let mark = parser.problem_mark
                throw SyntaxError(line: Int(mark.line) + 1, problem: parser.problem.map { String(cString: $0) } ?? "invalid YAML",
                                  context: parser.context.map { String(cString: $0) })
            }
            defer { yaml_event_delete(&event) }
            let mark = Self.mark(event.start_mark)
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                let node = Node.scalar(.init(value, text, Node.Scalar.Style(rawValue: s.style.rawValue) ?? .any, mark))
                if let a = s.anchor { anchors[String(cString: a)] = node }
                add(node)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let node = anchors[name] else { throw SyntaxError(line: mark.line, problem: "found undefined alias '\(name)'") }
                add(node)
            case YAML_MAPPING_START_EVENT:
                stack.append(Frame(mapping: true, mark: mark, anchor: event.data.mapping_start.anchor.map { String(cString: $0) }))
            case YAML_SEQUENCE_START_EVENT:
                stack.append(Frame(mapping: false, mark: mark, anchor: event.data.sequence_start.anchor.map { String(cString: $0) }))
            case YAML_MAPPING_END_EVENT:
                guard let f = stack.popLast() else { break }
                let node = Node.mapping(.init(f.pairs, map, .any, f.mark))
                if let anchor = f.anchor { anchors[anchor] = node }
                add(node)
            case YAML_SEQUENCE_END_EVENT:
                guard let f = stack.popLast() else { break }
                let node = Node.sequence(.init(f.nodes, seq, .any, f.mark))
                if let anchor = f.anchor { anchors[anchor] = node }
                add(node)
            case YAML_DOCUMENT_START_EVENT where ended:
                throw SyntaxError(line: mark.line, problem: "expected a single document in the stream", context: "but found another document")
            case YAML_DOCUMENT_END_EVENT:
                ended = true
            case YAML_STREAM_END_EVENT:
                return root
            default:
                break
            }
        }
    }

    /// Yams' `Mark` (1-based line and column) has no public initialiser; it is two integers,
    /// laid out as declared (checked against Yams' own in `YAMLComposerTests`).
    struct RawMark { var line: Int; var column: Int }
    static func mark(_ m: yaml_mark_t) -> Mark {
        unsafeBitCast(RawMark(line: Int(m.line) + 1, column: Int(m.column) + 1), to: Mark.self)
    }
}
