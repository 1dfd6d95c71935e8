import PantauCore
import Yams

/// Parses `probes/report.yaml`: letterhead, signers, what check does with edits to a closed
/// month, and the closing causes with whom each counts against.
///
/// ```yaml
/// report:
///   letterhead: ["PEMERINTAH KABUPATEN CONTOH", "DINAS KOMUNIKASI DAN INFORMATIKA", "Jl. Merdeka 1"]
///   logo: templates/logo.png
///   city: Contoh
///   signer: {name: Budi Santoso, title: Kepala Bidang Infrastruktur TIK, nip: "198001012005011001"}
///   approver: {name: Siti Aminah, title: Kepala Dinas, nip: "197501012000032001"}
///   closed_month_edits: refuse          # refuse | warn
/// accountability:
///   causes:                             # replaces the default list (docs/report.md)
///     - {code: opd-power, party: opd, text_id: listrik OPD padam, text_en: OPD power off}
/// ```
struct ReportParser {
    let reader: YAMLReader

    func parse(_ text: String) -> ReportConfig? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["report", "accountability"]) else { return nil }
        var config = ReportConfig()
        for (key, _, node) in top {
            if key == "report" { parseReport(node, into: &config) } else { parseAccountability(node, into: &config) }
        }
        return config
    }

    func parseReport(_ node: Node, into config: inout ReportConfig) {
        let r = reader
        let keys: Set<String> = ["letterhead", "logo", "city", "signer", "approver", "closed_month_edits"]
        for (key, _, v) in r.mapping(node, "report", allowed: keys) ?? [] {
            let path = "report.\(key)"
            switch key {
            case "letterhead": config.letterhead = r.stringList(v, path)?.map(\.0) ?? []
            case "logo": config.logo = r.nonEmptyString(v, path)
            case "city": config.city = r.string(v, path) ?? ""
            case "signer": config.signer = signer(v, path)
            case "approver": config.approver = signer(v, path)
            default: config.closedMonthEdits = r.enumValue(v, path, ReportConfig.ClosedMonthEdits.self) ?? .refuse
            }
        }
    }

    func signer(_ node: Node, _ path: String) -> ReportConfig.Signer? {
        let r = reader
        guard let m = r.mapping(node, path, allowed: ["name", "title", "nip"]) else { return nil }
        var fields: [String: String] = [:]
        for (key, _, v) in m { fields[key] = r.string(v, "\(path).\(key)") }
        guard let name = fields["name"], !name.isEmpty else {
            r.sink.add(r.file, r.line(node), "\(path).name", "required: who signs")
            return nil
        }
        if let nip = fields["nip"], !nip.isEmpty, !(nip.count == 18 && nip.allSatisfy(\.isNumber)) {
            r.sink.add(r.file, r.line(node), "\(path).nip", "a NIP has 18 digits (quote it: nip: \"19800101…\"), got '\(nip)'")
        }
        return ReportConfig.Signer(name: name, title: fields["title"] ?? "", nip: fields["nip"] ?? "")
    }

    func parseAccountability(_ node: Node, into config: inout ReportConfig) {
        let r = reader
        for (_, _, v) in r.mapping(node, "accountability", allowed: ["causes"]) ?? [] {
            guard let items = r.sequence(v, "accountability.causes") else { continue }
            var causes: [ClosingCause] = []
            for (i, item) in items.enumerated() {
                let p = "accountability.causes[\(i)]"
                guard let m = r.mapping(item, p, allowed: ["code", "party", "text_id", "text_en"]) else { continue }
                var code: String?, party: AccountableParty?, textID: String?, textEN: String?
                for (key, _, x) in m {
                    switch key {
                    case "code": code = r.nonEmptyString(x, "\(p).code")
                    case "party": party = r.enumValue(x, "\(p).party", AccountableParty.self)
                    case "text_id": textID = r.nonEmptyString(x, "\(p).text_id")
                    default: textEN = r.nonEmptyString(x, "\(p).text_en")
                    }
                }
                guard let code else {
                    r.sink.add(r.file, r.line(item), "\(p).code", "required key is missing")
                    continue
                }
                if code.contains(where: { $0 == " " || $0 == "," }) {
                    r.sink.add(r.file, r.line(item), "\(p).code", "a code is one word like 'opd-power', got '\(code)'")
                }
                if causes.contains(where: { $0.code == code }) {
                    r.sink.add(r.file, r.line(item), "\(p).code", "'\(code)' is listed twice")
                }
                guard let party else {
                    r.sink.add(r.file, r.line(item), "\(p).party", "required: diskominfo, opd or external")
                    continue
                }
                causes.append(ClosingCause(code: code, textID: textID ?? code, textEN: textEN ?? textID ?? code, party: party))
            }
            if causes.isEmpty { r.sink.add(r.file, r.line(v), "accountability.causes", "lists no cause") }
            config.accountability = AccountabilityPolicy(causes: causes)
        }
    }
}
