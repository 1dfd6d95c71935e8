import ArgumentParser

@main
struct Pantau: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pantau",
        abstract: "Pantau: network operations monitor for a Diskominfo intranet (OPD links, SLA availability).",
        version: Pantau.version,
        subcommands: [CheckCommand.self, RunCommand.self, UserCommand.self, StatusCommand.self, AvailabilityCommand.self, ReportCommand.self, MonthCommand.self, BandwidthCommand.self, TrafficCommand.self,
                      HistoryCommand.self, TicketsCommand.self, BackupCommand.self, MigrateCommand.self, CorrelateCommand.self, WebCommand.self, DemoCommand.self, BenchCommand.self])

    /// The release (the Debian package's version, `scripts/package.sh`).
    static let version = "0.9.0"
}
