extension MonthlyReportDocument {
    /// The built-in template (mustache). An office replaces it with `templates/report.mustache`
    /// beside the inventory folder (`pantau report --show-template` prints this one to start from).
    /// Well-formed XHTML-style markup, no external URL: the page works offline and prints the
    /// same through WeasyPrint (page footer, "Halaman X dari Y" via CSS paged media).
    public static let defaultTemplate = #"""
    <!DOCTYPE html>
    <html lang="{{lang}}"><head><meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title>{{t.title}} - {{monthName}}</title>
    <style>
    @page { size: A4 landscape; margin: 1.4cm 1.2cm 1.6cm 1.2cm;
      @bottom-left { content: element(footer); }
      @bottom-right { content: "{{pageWord}} " counter(page) " {{ofWord}} " counter(pages); font-size: 8pt; font-family: "DejaVu Sans", sans-serif; } }
    body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #111; margin: 0 auto; max-width: 29cm; }
    .runfoot { position: running(footer); font-size: 7.5pt; color: #444; }
    .kop { display: flex; align-items: center; border-bottom: 3px double #000; padding-bottom: 6px; margin-bottom: 10px; }
    .kop img { height: 64px; margin-right: 14px; } .kop .lines { flex: 1; text-align: center; }
    .kop .first { font-size: 13pt; font-weight: bold; } .kop .rest { font-size: 9.5pt; }
    h1 { font-size: 13pt; text-align: center; margin: 4px 0; } h2 { font-size: 11pt; margin: 14px 0 6px; border-bottom: 1px solid #999; }
    h3 { font-size: 10pt; margin: 10px 0 4px; }
    .status { text-align: center; font-weight: bold; } .status.prov { color: #b71c1c; } .muted { color: #555; font-size: 8pt; }
    table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; } th, td { border: 1px solid #bbb; padding: 2px 4px; vertical-align: top; }
    th { background: #eceff1; text-align: left; } td.n, th.n { text-align: right; } td.n { white-space: nowrap; }
    table.kv { width: auto; min-width: 55%; } table.kv td:first-child { width: 60%; } td.n:first-child { text-align: left; white-space: normal; }
    tr.big td { font-size: 12pt; font-weight: bold; } tr.bad td { background: #ffebee; } tr.total td { font-weight: bold; }
    .cols { columns: 2; column-gap: 1cm; } .cols .block { break-inside: avoid; page-break-inside: avoid; }
    table.wide { font-size: 7pt; } table.wide td { padding: 1px 3px; } table.wide td.n { font-size: 7.5pt; } table.wide td:first-child { width: 13em; white-space: normal; text-align: left; }
    svg.chart { max-width: 100%; height: auto; font-family: "DejaVu Sans", Arial, sans-serif; }
    .page { page-break-before: always; } .nobreak { page-break-inside: avoid; }
    .sig { display: flex; justify-content: space-around; margin-top: 24px; page-break-inside: avoid; }
    .sig div { width: 40%; text-align: center; } .sig .space { height: 60px; } .sig .name { font-weight: bold; text-decoration: underline; }
    @media screen and (max-width: 700px) { .cols { columns: 1; } body { overflow-wrap: anywhere; padding: 0 .4em; font-size: 14px; }
      table { display: block; overflow-x: auto; } table.kv { min-width: 0; }
      table, table.wide, table.wide td, table.wide td.n, .muted, .runfoot, .kop .rest, td, th { font-size: 12px !important; } }
    </style></head><body>
    <p class="runfoot">{{footerLeft}}</p>
    <div class="kop">{{#logo}}<img src="{{logo}}" alt=""/>{{/logo}}<div class="lines"><div class="first">{{letterheadFirst}}</div>{{#letterheadRest}}<div class="rest">{{.}}</div>{{/letterheadRest}}</div></div>
    <h1>{{t.title}}</h1>
    <p class="status{{^isClosed}} prov{{/isClosed}}">{{t.period}}: {{monthName}} - {{status}}</p>
    <p class="muted" style="text-align:center">{{organization}} · {{t.coverage}}: {{coverage}} · {{t.computedAt}}: {{computedAt}} · {{t.hash}}: {{hash}}</p>
    {{^isClosed}}<p class="muted" style="text-align:center">{{t.provisionalNote}}</p>{{/isClosed}}
    {{#revisionLabel}}<p class="status">{{revisionLabel}}{{#reason}}: {{reason}}{{/reason}}</p>{{/revisionLabel}}

    <h2>{{t.summary}}</h2>
    <div class="cols"><div class="block">
    <table class="kv">{{#headline}}<tr class="{{css}}">{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/headline}}</table>
    </div><div class="block"><h3>{{t.missedList}}</h3>
    {{#hasMissed}}<table><tr><th>{{t.opd}}</th><th class="n">{{t.accountable}}</th><th class="n">{{t.lost}} ({{t.accountable}})</th><th class="n">{{t.lost}} ({{t.experienced}})</th></tr>
    {{#missed}}<tr class="{{css}}">{{#cells}}<td class="n">{{.}}</td>{{/cells}}</tr>{{/missed}}</table>{{/hasMissed}}
    {{^hasMissed}}<p>{{t.none}}</p>{{/hasMissed}}
    </div><div class="block">
    <h3>{{t.incidentsByPriority}}</h3>
    <table class="kv"><tr><th>{{t.priority}}</th><th class="n">{{t.tickets}}</th></tr>{{#byPriority}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/byPriority}}</table>
    </div><div class="block"><h3>{{t.incidentsByCause}}</h3>
    {{{causeChart}}}
    </div><div class="block"><h3>{{t.repair}}</h3>
    {{#hasRepair}}<table><tr><th>{{t.priority}}</th><th class="n">{{t.targetDays}}</th><th class="n">{{t.tickets}}</th><th class="n">{{t.within}}</th><th class="n">{{t.breached}}</th><th class="n">{{t.running}}</th><th class="n">{{t.share}}</th></tr>
    {{#repair}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/repair}}</table>{{/hasRepair}}{{^hasRepair}}<p>{{t.none}}</p>{{/hasRepair}}
    </div><div class="block"><h3>{{t.dailyChart}}</h3>{{{dailyChart}}}</div></div>

    <div class="page"><h2>{{t.heatMap}}</h2>{{{heatMap}}}</div>

    <div class="page"><h2>{{t.perOPD}}</h2>
    <p class="muted">{{t.durationsNote}} {{t.experienced}} / {{t.accountable}}: {{t.ofScheduled}} / {{t.ofKnown}}.</p>
    <table class="wide"><tr><th>{{t.opd}}</th><th class="n">{{t.scheduled}}</th><th class="n">{{t.up}}</th><th class="n">{{t.down}}</th><th class="n">{{t.unreachable}}</th><th class="n">{{t.unknown}}</th><th class="n">{{t.maintenance}}</th><th class="n">{{t.excused}}</th><th class="n">{{t.experienced}}</th><th class="n">{{t.accountable}}</th><th>{{t.verdict}}</th><th>{{t.incidents}}</th><th class="n">{{t.mttr}}</th></tr>
    {{#opdRows}}<tr class="{{css}}">{{#cells}}<td class="n">{{.}}</td>{{/cells}}</tr>{{/opdRows}}</table></div>

    {{#hasTrend}}<div class="page"><h2>{{t.trend}}</h2>{{{trendChart}}}
    <table><tr><th>{{t.opd}}</th>{{#trendHead}}<th class="n">{{.}}</th>{{/trendHead}}</tr>{{#trendRows}}<tr class="{{css}}">{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/trendRows}}</table></div>{{/hasTrend}}

    <div class="page"><h2>{{t.incidentList}}</h2>
    {{#hasIncidents}}<table class="wide"><tr><th>{{t.ticket}}</th><th>{{t.priority}}</th><th>{{t.sites}}</th><th>{{t.start}}</th><th>{{t.recovered}}</th><th class="n">{{t.workingDuration}}</th><th>{{t.suspected}}</th><th>{{t.closingCause}}</th><th>{{t.party}}</th><th>{{t.resolution}}</th><th>{{t.repairOk}}</th></tr>
    {{#incidentRows}}<tr class="{{css}}">{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/incidentRows}}</table>{{/hasIncidents}}{{^hasIncidents}}<p>{{t.none}}</p>{{/hasIncidents}}
    <h3>{{t.archive}}</h3>{{#hasArchive}}<table id="berita-acara"><tr><th>{{t.ticket}}</th><th>{{t.closedAt}}</th><th>{{t.kind}}</th><th>{{t.sites}}</th></tr>
    {{#archive}}<tr><td><a href="{{href}}">{{number}}</a></td><td>{{closed}}</td><td>{{kind}}</td><td>{{root}}</td></tr>{{/archive}}</table>{{/hasArchive}}{{^hasArchive}}<p>{{t.none}}</p>{{/hasArchive}}</div>

    <div class="page"><h2>{{t.calendar}}</h2>
    <table class="kv">{{#calendarRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/calendarRows}}</table>
    {{#hasPeriods}}<h3>{{t.specialPeriods}}</h3><table><tr><th>{{t.name}}</th><th>{{t.from}}</th><th>{{t.to}}</th><th>{{t.hours}}</th></tr>{{#periodRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/periodRows}}</table>{{/hasPeriods}}
    <h3>{{t.holidays}}</h3>{{#hasHolidays}}<table><tr><th>{{t.date}}</th><th>{{t.name}}</th><th>{{t.kind}}</th><th>{{t.source}}</th></tr>{{#holidayRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/holidayRows}}</table>{{/hasHolidays}}{{^hasHolidays}}<p>{{t.none}}</p>{{/hasHolidays}}
    <h3>{{t.maintenanceWindows}}</h3>{{#hasMaintenance}}<table><tr><th>{{t.opd}}</th><th>{{t.from}}</th><th>{{t.to}}</th><th>{{t.reason}}</th><th class="n">{{t.scheduled}}</th></tr>{{#maintenanceRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/maintenanceRows}}</table>{{/hasMaintenance}}{{^hasMaintenance}}<p>{{t.none}}</p>{{/hasMaintenance}}
    <h3>{{t.causes}}</h3><table><tr><th>Kode</th><th>{{t.name}}</th><th>{{t.party}}</th></tr>{{#causeRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/causeRows}}</table>
    <h3>{{t.method}}</h3><p>{{t.methodText}}</p>
    {{#hasRevisions}}<h3>{{t.revisions}}</h3><table><tr><th>{{t.revision}}</th><th>{{t.closedAt}}</th><th>{{t.closedBy}}</th><th>{{t.note}}</th><th>SHA-256</th><th>{{t.reopened}}</th></tr>{{#revisionRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/revisionRows}}</table>{{/hasRevisions}}
    {{#hasChanges}}<h3>{{t.changes}}</h3><table><tr><th>{{t.opd}}</th><th>{{t.figure}}</th><th>{{t.before}}</th><th>{{t.after}}</th></tr>{{#changeRows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/changeRows}}</table>{{/hasChanges}}
    <div class="nobreak"><p style="text-align:right; margin-top: 18px">{{place}}</p>
    <div class="sig">{{#signers}}<div>{{role}},<br/>{{title}}<div class="space"></div><div class="name">{{name}}</div>{{#nip}}{{t.nip}}. {{nip}}{{/nip}}</div>{{/signers}}</div></div>
    </div>
    </body></html>
    """#
}
