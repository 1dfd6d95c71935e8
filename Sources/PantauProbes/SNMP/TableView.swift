/// Walked bindings grouped by column and row index, for the decoders.
public struct TableView: Sendable {
    var columns: [OID: [[UInt32]: SNMPValue]] = [:]
    var scalars: [OID: SNMPValue] = [:]

    public init(_ varBinds: [VarBind], columns roots: [OID], scalars wanted: [OID]) {
        let wantedSet = Set(wanted)
        for vb in varBinds {
            if wantedSet.contains(vb.oid) { scalars[vb.oid] = vb.value; continue }
            // Column roots all have the same length per table; find the one that prefixes.
            for root in roots where root.isPrefix(of: vb.oid) {
                columns[root, default: [:]][Array(vb.oid.arcs[root.arcs.count...])] = vb.value
                break
            }
        }
    }

    public func scalar(_ oid: OID) -> SNMPValue? { scalars[oid] }
    public func column(_ oid: OID) -> [[UInt32]: SNMPValue] { columns[oid] ?? [:] }
    public func value(_ column: OID, _ index: [UInt32]) -> SNMPValue? { columns[column]?[index] }
}
