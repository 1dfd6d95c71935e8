/// Who filled a link: the OPDs behind it by bytes over a span, and the top conversations that
/// involve them, from the mirror-port capture. Written into the utilisation degradation, so the
/// notice and its ticket name them.
public enum UtilisationAttribution {
    /// "filled by (10:00-10:05): Dinkes 61.2 Mbit/s, Dishub 20.1 Mbit/s; top talkers: 10.1.2.3 > 10.0.0.5 tcp/443 40.2 Mbit/s".
    /// nil when the capture recorded nothing for these sites in the span.
    public static func describe(sites: [String], inventory: Inventory, traffic: [OPDTrafficSample], talkers: [TalkerSample],
                                span: TimeRange, spanText: String, limit: Int = 3) -> String? {
        let seconds = Double(max(1, span.end - span.start))
        var bytes: [String: Int64] = [:]
        for t in traffic where sites.contains(t.site) { bytes[t.site, default: 0] += t.inBytes + t.outBytes }
        guard !bytes.isEmpty else { return nil }
        let mbps = { (b: Int64) in Double(b) * 8 / seconds / 1e6 }
        let ranked = bytes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(limit)
        var text = "filled by (\(spanText)): " + ranked.map { "\(inventory.site($0.key)?.name ?? $0.key) \(format(mbps($0.value))) Mbit/s" }
            .joined(separator: ", ")
        let top = TalkerSample.ranked(talkers, within: SubnetMap(sites: inventory.sites.filter { sites.contains($0.id) })).prefix(limit)
        if !top.isEmpty {
            text += "; top talkers: " + top.map { "\($0.source) > \($0.destination) \($0.service) \(format(mbps($0.bytes))) Mbit/s" }
                .joined(separator: ", ")
        }
        return text
    }

    static func format(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return "\(r)"
    }
}
