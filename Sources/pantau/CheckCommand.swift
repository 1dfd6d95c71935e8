import ArgumentParser
import PantauCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the inventory and probe profiles; every problem is printed as file:line: key.path: problem.")

    @OptionGroup var location: LocationOptions

    func run() throws {
        let config = try location.load()
        let inv = config.inventory
        let topo = Topology(inv)
        let probed = inv.sites.filter { $0.address != nil }.count
        print("OK: \(inv.organization): \(inv.sites.count) sites (\(probed) probed by ICMP), \(inv.links.count) links, "
              + "\(inv.maintenance.count) maintenance windows, \(inv.calendar.holidays.count) holidays, "
              + "\(topo.coreSites.count) core site(s); time zone \(inv.timezone); "
              + "\(inv.devices.count) SNMP devices watching \(inv.links.filter { !$0.ends.isEmpty }.count) links"
              + " (\(config.credentials.count) credential profiles).")
    }
}
