import PantauEngine

/// `pantau check --live` output: a table (Indonesian or English) or JSON.
struct LiveCheckReport {
    var findings: [TopologyFinding]
    var devicesRead: Int
    var devices: Int

    var disagreements: Int { findings.filter(\.isDisagreement).count }

    func json() -> String {
        let items = findings.map { f in
            "{\"link\":\(f.link.map(jsonString) ?? "null"),\"device\":\(jsonString(f.device)),"
                + "\"interface\":\(jsonString(f.interface)),\"expected\":\(jsonString(f.expected)),"
                + "\"seen\":\(jsonString(f.seen)),\"verdict\":\"\(f.verdict.rawValue)\",\"detail\":\(jsonString(f.detail))}"
        }
        return "{\"devices\":\(devices),\"devices_read\":\(devicesRead),\"disagreements\":\(disagreements),"
            + "\"findings\":[\(items.joined(separator: ","))]}"
    }

    static let labelsID: [TopologyFinding.Verdict: String] = [
        .agrees: "sesuai", .mismatch: "TIDAK SESUAI", .notInInventory: "TIDAK ADA DI INVENTARIS", .unverified: "belum terverifikasi",
        .noNeighbor: "tanpa tetangga", .noDiscovery: "LLDP tidak terbaca", .unreachable: "tak terjangkau",
    ]

    func table(lang: Language) -> String {
        let id = lang == .id
        var rows = [id ? ["Tautan", "Perangkat", "Port", "Seharusnya", "Terlihat", "Hasil", "Keterangan"]
                       : ["Link", "Device", "Port", "Expected", "Seen", "Verdict", "Detail"]]
        for f in findings {
            rows.append([f.link ?? "-", f.device, f.interface, f.expected.isEmpty ? "-" : f.expected,
                         f.seen.isEmpty ? "-" : String(f.seen.prefix(50)),
                         id ? Self.labelsID[f.verdict]! : f.verdict.rawValue, String(f.detail.prefix(70))])
        }
        let counts = Dictionary(grouping: findings, by: \.verdict).mapValues(\.count)
        let tally = TopologyFinding.Verdict.allCases.compactMap { v in
            counts[v].map { "\(id ? Self.labelsID[v]! : v.rawValue) \($0)" }
        }.joined(separator: ", ")
        let head = id ? "Pemeriksaan topologi: \(devicesRead) dari \(devices) perangkat terbaca; \(disagreements) ketidaksesuaian."
                      : "Topology check: \(devicesRead) of \(devices) devices read; \(disagreements) disagreement(s)."
        return head + "\n" + TextTable.render(rows, rightAligned: []) + "\n" + tally
    }
}
