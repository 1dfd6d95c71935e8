/// The pages' markup (mustache). Escaped by default (`{{x}}`); `{{{body}}}` and `{{{svg}}}` are
/// markup Pantau made itself. No inline script and no external URL: the CSP forbids both.
enum WebTemplates {
    static let layout = #"""
    <!DOCTYPE html>
    <html lang="{{lang}}"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Pantau</title>
    <link rel="stylesheet" href="/static/pantau.css">
    <script src="/static/pantau.js" defer></script>
    </head><body data-page="{{page}}"{{#kiosk}} class="kiosk"{{/kiosk}}>
    <header><a class="brand" href="/">Pantau</a> <span class="org">{{organization}}</span>
    {{#user}}<nav><a href="/">{{t.overview}}</a> {{#seesEverything}}<a href="/map">{{t.map}}</a> {{/seesEverything}}<a href="/tickets">{{t.tickets}}</a> <a href="/availability">{{t.availability}}</a> <a href="/archive">{{t.archive}}</a>{{#isAdmin}} <a href="/admin/users">{{t.users}}</a> <a href="/admin/config">{{t.configuration}}</a>{{/isAdmin}}</nav>
    <span class="who">{{name}} ({{role}})</span>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.logout}}</button></form>{{/user}}
    <a class="lang" href="/lang/{{other}}">{{t.language}}</a>
    <span id="live" class="live" hidden>● {{t.live}}</span>
    </header>
    <main>{{{body}}}</main>
    </body></html>
    """#

    static func body(_ page: Page) -> String {
        switch page {
        case .login: login
        case .overview: overview
        case .tickets: tickets
        case .ticket: ticket
        case .site: site
        case .link: link
        case .map: map
        case .availability: availability
        case .explain: explain
        case .message: "{{#heading}}<h1>{{heading}}</h1>{{/heading}}<p class=\"message\" id=\"why\"{{#foreign}} lang=\"en\"{{/foreign}}>{{text}}</p>{{#heading}}<p><a href=\"/\">{{t.back}}</a></p>{{/heading}}"
        case .users: users
        case .config: configuration
        case .archive: archive
        }
    }

    static let login = #"""
    <h1>{{t.login}}</h1>
    {{#failed}}<p class="error">{{t.loginFailed}}</p>{{/failed}}
    <form method="post" action="/login" class="login">
    <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="next" value="{{next}}">
    <label>{{t.user}} <input name="user" autocomplete="username" required autofocus></label>
    <label>{{t.password}} <input name="password" type="password" autocomplete="current-password" required></label>
    <button>{{t.login}}</button></form>
    """#

    static let overview = #"""
    <h1>{{t.overview}}</h1>
    <section><h2>{{t.openTickets}}</h2>
    {{#hasTickets}}<div class="scroll"><table class="list" id="open-tickets"><tr><th>{{t.number}}</th><th>{{t.priority}}</th><th>{{t.state}}</th><th>{{t.cause}}</th><th>{{t.affected}}</th><th>{{t.opened}}</th></tr>
    {{#tickets}}<tr class="p-{{priority}}"><td><a href="/tickets/{{number}}">{{number}}</a></td><td><b>{{priority}}</b></td><td data-state="{{state}}">{{ticketState}}</td><td>{{cause}}</td><td>{{affected}}</td><td>{{opened}}</td></tr>{{/tickets}}
    </table></div>{{/hasTickets}}{{^hasTickets}}<p id="open-tickets">{{t.noOpenTickets}}</p>{{/hasTickets}}</section>
    <section><h2>{{t.tree}}</h2><ul class="tree">{{{tree}}}</ul></section>
    <section><h2>{{t.links}}</h2><p id="links-summary">{{linksSummary}}</p>{{#hasLinks}}<div class="scroll"><table class="list"><tr><th>{{t.links}}</th><th>{{t.kind}}</th><th>{{t.state}}</th><th>{{t.since}}</th><th>{{t.inBps}}</th><th>{{t.outBps}}</th><th>{{t.optical}}</th></tr>
    {{#links}}<tr data-target="{{id}}" class="s-{{state}}"><td><a href="/links/{{id}}">{{name}}</a></td><td>{{kind}}</td><td class="state">{{stateText}}</td><td class="since" title="{{sinceFull}}">{{since}}</td><td class="n">{{inBps}}</td><td class="n">{{outBps}}</td><td>{{optical}}</td></tr>{{/links}}
    </table></div>{{/hasLinks}}</section>
    <section><h2>{{t.monthToDate}} ({{month}})</h2><p>{{availabilitySummary}} <a href="/availability">{{t.availability}} →</a></p>{{#hasAvailability}}<div class="scroll"><table class="list"><tr><th>{{t.site}}</th><th class="n">{{t.availability}}</th><th class="n">{{t.target}}</th><th>{{t.verdict}}</th></tr>
    {{#availability}}<tr class="{{#bad}}bad{{/bad}}"><td><a href="/sites/{{id}}">{{name}}</a></td><td class="n">{{pct}}</td><td class="n">{{target}}</td><td>{{verdict}}</td></tr>{{/availability}}
    </table></div>{{/hasAvailability}}</section>
    {{#health}}<section><h2>{{t.engineHealth}}</h2>{{#alerts}}<p class="alert" role="alert">{{.}}</p>{{/alerts}}<div class="scroll"><table class="list"><tr><th>{{t.source}}</th><th>{{t.state}}</th><th>{{t.lastSeen}}</th><th>{{t.cycle}}</th><th class="n">{{t.readAll}}</th><th class="n">{{t.late}}</th></tr>
    {{#sources}}<tr class="src-{{state}}"><td>{{source}}</td><td>{{stateText}}</td><td title="{{lastSeenFull}}">{{lastSeen}}</td><td>{{cycle}}</td><td class="n{{#unread}} bad{{/unread}}">{{read}}</td><td class="n">{{late}}</td></tr>{{#unread}}<tr class="unread"><td colspan="6">{{.}}</td></tr>{{/unread}}{{/sources}}
    </table></div><p>{{t.outbox}}: <b id="outbox">{{outbox}}</b></p></section>{{/health}}
    <p class="muted"><noscript>{{t.liveOff}}</noscript></p>
    """#

    static let tickets = #"""
    <h1>{{t.tickets}}</h1>
    {{#mayReport}}<details class="helpdesk" id="report-form"><summary>{{t.reportDisruption}}</summary>
    <form method="post" action="/tickets/report" class="close"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.site}}<select name="site" required>{{#reportSites}}<option value="{{id}}">{{name}}</option>{{/reportSites}}</select></label>
    <label>{{#isOperator}}{{t.callerName}}{{/isOperator}}{{^isOperator}}{{t.reporterName}}{{/isOperator}}<input name="name" value="{{reporterName}}"></label>
    <label>{{t.contact}}<input name="contact" placeholder="whatsapp:+628… / email:… / telegram:…"></label>
    {{#isOperator}}<label>{{t.via}}<select name="via"><option value="phone">{{t.via.phone}}</option><option value="whatsapp">WhatsApp</option><option value="email">e-mail</option><option value="visit">{{t.via.visit}}</option></select></label>{{/isOperator}}
    <label>{{t.whatHappened}}<textarea name="text" required></textarea></label>
    <button id="report-send">{{t.send}}</button></form></details>{{/mayReport}}
    {{#hasInstallLinks}}<details class="helpdesk"><summary>{{t.requestInstall}}</summary>
    <form method="post" action="/tickets/install" class="close"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.link}}<select name="link" required>{{#installLinks}}<option value="{{id}}">{{name}}</option>{{/installLinks}}</select></label>
    <label>{{t.reporterName}}<input name="name"></label><label>{{t.contact}}<input name="contact"></label>
    <label>{{t.whatHappened}}<textarea name="text" required></textarea></label><button>{{t.send}}</button></form></details>{{/hasInstallLinks}}
    <div class="scroll"><table class="list" id="tickets"><tr><th>{{t.number}}</th><th>{{t.priority}}</th><th>{{t.state}}</th><th>{{t.cause}}</th><th>{{t.affected}}</th><th>{{t.opened}}</th><th>{{t.assignedTo}}</th></tr>
    {{#tickets}}<tr class="p-{{priority}}"><td><a href="/tickets/{{number}}">{{number}}</a></td><td><b>{{priority}}</b></td><td class="tstate" data-state="{{state}}">{{ticketState}}</td><td>{{cause}}</td><td>{{affected}}</td><td>{{opened}}</td><td>{{assignedTo}}</td></tr>{{/tickets}}
    </table></div>
    """#

    static let ticket = #"""
    <h1>{{number}} <span class="p-{{priority}}">{{priority}}</span> <span class="tstate" id="ticket-state" data-state="{{state}}">{{ticketState}}</span></h1>
    {{#joined}}<p class="message" id="joined">{{t.reportJoined}}</p>{{/joined}}
    {{#mergedInto}}<p class="message">{{t.mergedInto}} <a href="/tickets/{{mergedInto}}">{{mergedInto}}</a></p>{{/mergedInto}}
    <table class="kv"><tr><td>{{t.kind}}</td><td id="kind">{{kind}}</td></tr><tr><td>{{t.escalationLevel}}</td><td id="escalation">{{escalation}}</td></tr>
    <tr><td>{{t.cause}}</td><td>{{cause}}</td></tr><tr><td>{{t.affected}}</td><td>{{affected}}</td></tr>
    <tr><td>{{t.opened}}</td><td>{{opened}}</td></tr><tr><td>{{t.assignedTo}}</td><td id="assigned">{{assignedTo}}</td></tr>
    <tr><td>{{t.response}}</td><td>{{response}}</td></tr><tr><td>{{t.repair}}</td><td>{{repair}}</td></tr>
    <tr><td>{{t.priority}}</td><td>{{priorityReason}}</td></tr></table></div>
    {{#hasEvidence}}<h2>{{t.evidence}}</h2><ul id="evidence">{{#evidence}}<li>{{.}}</li>{{/evidence}}</ul>{{/hasEvidence}}
    {{#mayOperate}}<div class="actions">
    {{#canAck}}<form method="post" action="/tickets/{{number}}/ack"><input type="hidden" name="csrf" value="{{csrf}}"><button id="ack">{{t.acknowledge}}</button></form>{{/canAck}}
    {{#canResolve}}<form method="post" action="/tickets/{{number}}/resolve"><input type="hidden" name="csrf" value="{{csrf}}"><label>{{t.note}} <input name="note"></label><button>{{t.resolve}}</button></form>{{/canResolve}}
    {{#canClose}}<form method="post" action="/tickets/{{number}}/close" class="close"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.officers}}<textarea name="officers" required></textarea></label><label>{{t.problem}}<input name="problem" required></label>
    <label>{{t.work}}<input name="work" required></label><label>{{t.alternative}}<input name="alternative" value="-"></label>
    <label>{{t.place}}<input name="place"></label><label>{{t.closingCause}}<select name="cause"><option value="">-</option>{{#causes}}<option value="{{code}}">{{code}} ({{party}})</option>{{/causes}}</select></label>
    <button>{{t.close}}</button></form>{{/canClose}}
    </div>{{/mayOperate}}
    {{#hasRequesters}}<h2>{{t.requesters}}</h2><ul id="requesters">{{#requesters}}<li>{{at}} · <b>{{name}}</b> ({{site}}, {{via}}{{#contact}}, {{contact}}{{/contact}}): {{text}}</li>{{/requesters}}</ul>{{/hasRequesters}}
    {{#installation}}<h2>{{t.installation}} {{link}}</h2><ul>{{#acceptances}}<li>{{t.acceptance}} {{at}} ({{officer}}): {{verdict}}</li>{{/acceptances}}
    {{^acceptancePassed}}<li class="bad">{{t.acceptanceMissing}}</li>{{/acceptancePassed}}
    {{#handover}}<li>{{t.handover}} {{at}}: {{handedBy}} → {{receivedBy}} ({{equipment}})</li>{{/handover}}{{^handover}}<li class="bad">{{t.handoverMissing}}</li>{{/handover}}</ul>
    {{#mayHandover}}<form method="post" action="/tickets/{{number}}/handover" class="close"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.receivedBy}}<input name="receivedBy" required></label><label>{{t.equipment}}<textarea name="equipment" required></textarea></label>
    <label>{{t.note}}<input name="note"></label><button>{{t.handover}}</button></form>{{/mayHandover}}{{/installation}}
    <p><a href="/tickets/{{number}}/berita-acara">Berita Acara</a>{{#archived}} · <a id="archived" href="/archive/{{number}}">{{t.archivedDoc}}</a> (<a href="/archive/{{number}}/pdf">PDF</a>){{/archived}} · <a href="/api/v1/tickets/{{number}}">{{t.export}}</a></p>
    <h2>{{t.ledger}}</h2><ul class="ledger">{{#events}}<li>{{at}} · {{kind}} · {{text}}</li>{{/events}}</ul>
    """#

    static let site = #"""
    <h1>{{name}} <span class="s-{{state}}" data-target="{{id}}"><span class="state">{{stateText}}</span></span></h1>
    <p class="muted">{{role}} · {{address}}{{#uplinks}} · via {{uplinks}}{{/uplinks}}</p>
    <h2>{{t.availability}} {{month}}</h2><p><b>{{pct}}</b> ({{t.target}} {{target}}) · <a href="/availability/{{id}}">{{t.explain}}</a></p>
    <h2>{{day}}</h2>{{{timeline}}}
    <h2>{{month}}</h2>{{{monthTimeline}}}
    <h2>RTT / loss</h2>{{{rttChart}}}
    {{#hasLinks}}<h2>{{t.links}}</h2><div class="scroll"><table class="list"><tr><th>{{t.links}}</th><th>{{t.state}}</th><th>{{t.inBps}}</th><th>{{t.outBps}}</th><th>{{t.contract}}</th><th>{{t.use}}</th><th>{{t.optical}}</th></tr>
    {{#links}}<tr data-target="{{id}}" class="s-{{state}}"><td><a href="/links/{{id}}">{{name}}</a></td><td class="state">{{stateText}}</td><td class="n">{{inBps}}</td><td class="n">{{outBps}}</td><td class="n">{{contract}}</td><td class="n{{#hot}} bad{{/hot}}">{{use}}</td><td>{{optical}}</td></tr>{{/links}}</table></div>{{/hasLinks}}
    <h2>{{t.tickets}}</h2><ul>{{#tickets}}<li><a href="/tickets/{{number}}">{{number}}</a> {{priority}} {{ticketState}} {{cause}}</li>{{/tickets}}</ul>
    """#

    static let link = #"""
    <h1>{{name}} <span class="s-{{state}}" data-target="{{id}}"><span class="state">{{stateText}}</span></span></h1>
    <p class="muted">{{kind}} · <a href="/sites/{{from}}">{{fromName}}</a> → <a href="/sites/{{to}}">{{toName}}</a>{{#ends}} · {{ends}}{{/ends}}</p>
    {{#unwatched}}<p class="muted">{{t.unwatched}}</p>{{/unwatched}}{{#detail}}<p>{{detail}}</p>{{/detail}}
    {{#behind}}<p>{{t.behind}}: {{behind}}</p>{{/behind}}
    <table class="kv"><tr><td>{{t.inBps}}</td><td>{{inBps}}</td></tr><tr><td>{{t.outBps}}</td><td>{{outBps}}</td></tr>
    <tr><td>{{t.contract}}</td><td>{{contract}}</td></tr><tr><td>{{t.use}}</td><td>{{use}}</td></tr>
    <tr><td>{{t.optical}} RX / TX</td><td>{{rx}} / {{tx}} {{optical}}</td></tr></table>
    <h2>{{day}}</h2>{{{timeline}}}
    <h2>{{month}}</h2>{{{monthTimeline}}}
    <h2>{{t.tickets}}</h2><ul>{{#tickets}}<li><a href="/tickets/{{number}}">{{number}}</a> {{priority}} {{ticketState}} {{cause}}</li>{{/tickets}}</ul>
    """#

    static let availability = #"""
    <h1>{{t.availability}} {{month}}</h1>
    <div class="scroll"><table class="list"><tr><th>{{t.site}}</th><th class="n">{{t.scheduled}}</th><th class="n">{{t.down}}</th><th class="n">{{t.unreachable}}</th><th class="n">{{t.unknown}}</th><th class="n">{{t.maintenance}}</th><th class="n">%</th><th>{{t.verdict}}</th></tr>
    {{#rows}}<tr class="{{#bad}}bad{{/bad}}"><td><a href="/availability/{{id}}">{{name}}</a></td><td class="n">{{scheduled}}</td><td class="n">{{down}}</td><td class="n">{{unreachable}}</td><td class="n">{{unknown}}</td><td class="n">{{maintenance}}</td><td class="n">{{pct}}</td><td>{{verdict}}</td></tr>{{/rows}}
    </table></div>
    {{#reportMonth}}<p><a href="/report/{{reportMonth}}">{{t.report}} {{reportMonth}}</a></p>{{/reportMonth}}
    """#

    static let archive = #"""
    <h1>{{t.archive}} {{month}}</h1>
    <p>{{#months}}<a href="/archive?month={{m}}">{{m}}</a> {{/months}}</p>
    {{#hasEntries}}<div class="scroll"><table class="list" id="archive"><tr><th>{{t.number}}</th><th>{{t.kind}}</th><th>{{t.closed}}</th><th>{{t.root}}</th><th>{{t.affected}}</th><th></th></tr>
    {{#entries}}<tr><td><a href="/tickets/{{number}}">{{number}}</a></td><td>{{kind}}</td><td>{{closed}}</td><td>{{root}}</td><td>{{sites}}</td><td><a href="/archive/{{number}}">HTML</a> · <a href="/archive/{{number}}/pdf">PDF</a></td></tr>{{/entries}}
    </table></div>{{/hasEntries}}{{^hasEntries}}<p class="muted">{{t.archiveEmpty}}</p>{{/hasEntries}}
    """#

    static let users = #"""
    <h1>{{t.users}}</h1>
    <div class="scroll"><table class="list" id="users"><tr><th>{{t.user}}</th><th>{{t.name}}</th><th>{{t.role}}</th><th>{{t.sites}}</th><th></th></tr>
    {{#users}}<tr class="{{#disabled}}muted{{/disabled}}"><td>{{name}}</td><td>{{displayName}}</td><td>{{role}}</td><td>{{sites}}</td><td>
    {{^self}}{{#disabled}}<form method="post" action="/admin/users/{{name}}/enable" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.enable}}</button></form>{{/disabled}}
    {{^disabled}}<form method="post" action="/admin/users/{{name}}/disable" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.disable}}</button></form>{{/disabled}}{{/self}}
    <form method="post" action="/admin/users/{{name}}/password" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input name="password" type="password" autocomplete="new-password" placeholder="{{t.newPassword}}" minlength="10"><button>{{t.setPassword}}</button></form>
    </td></tr>{{/users}}</table></div>
    <h2>{{t.addUser}}</h2>
    <form method="post" action="/admin/users" class="close"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.user}} <input name="name" required pattern="[a-z0-9._-]+"></label><label>{{t.name}} <input name="displayName"></label>
    <label>{{t.role}} <select name="role">{{#roles}}<option>{{.}}</option>{{/roles}}</select></label>
    <label>{{t.sitesOPD}} <input name="sites"></label><label>{{t.password}} <input name="password" type="password" autocomplete="new-password" required minlength="10"></label>
    <button>{{t.addUser}}</button></form>
    <h2>{{t.auditLog}}</h2><div class="scroll"><table class="list"><tr><th>{{t.at}}</th><th>{{t.user}}</th><th>{{t.action}}</th><th></th><th></th></tr>
    {{#audit}}<tr><td>{{at}}</td><td>{{actor}}</td><td><code>{{action}}</code></td><td>{{object}}</td><td>{{detail}}</td></tr>{{/audit}}</table></div>
    """#

    static let map = #"""
    <div class="mapbar" data-refresh="{{refresh}}"><h1>{{t.mapTitle}}</h1>
    <ul class="counts" id="counts">{{#counts}}<li class="mn s-{{look}}" data-look="{{look}}"><svg viewBox="0 0 20 20">{{{icon}}}</svg><b>{{count}}</b> {{label}}</li>{{/counts}}</ul>
    <span class="mapactions"><a href="/map?kiosk=1" id="kiosk-link">{{t.kiosk}}</a> <button type="button" id="fullscreen">{{t.fullscreen}}</button>
    <button type="button" id="alerts-on">{{t.alertsOn}}</button></span></div>
    <div class="mapgrid"><div class="mapwrap">{{{svg}}}
    <ul class="legend">{{#kinds}}<li><svg viewBox="0 0 30 10"><line class="ml k-{{kind}}" x1="0" y1="5" x2="30" y2="5"/></svg>{{kind}}</li>{{/kinds}}</ul></div>
    <section class="mapside"><h2>{{t.openTickets}}</h2>{{^hasTickets}}<p>{{t.noOpenTickets}}</p>{{/hasTickets}}
    <ol class="wall" id="wall-tickets" data-newest-p1="{{newestP1}}">{{#tickets}}<li class="p-{{priority}}{{#breached}} bad{{/breached}}"><a href="/tickets/{{number}}"><b>{{priority}}</b> {{number}}</a>
    <span>{{cause}}</span><span>{{count}} {{t.sitesShort}}: {{affected}}</span><span class="muted">{{age}} · {{sla}}</span></li>{{/tickets}}</ol></section></div>
    """#

    static let configuration = #"""
    <h1>{{t.configuration}}</h1><p class="muted">{{t.configNote}}</p>
    <table class="kv" id="config">{{#rows}}<tr><td><code>{{key}}</code></td><td>{{value}}</td></tr>{{/rows}}</table>
    """#

    static let explain = #"""
    <h1>{{name}} · {{t.availability}} {{month}}</h1>
    <p>{{formula}}</p>
    <div class="scroll"><table class="list"><tr><th>{{t.state}}</th><th>{{t.from}}</th><th>{{t.to}}</th><th class="n">{{t.duration}}</th></tr>
    {{#intervals}}<tr><td>{{kind}}</td><td>{{from}}</td><td>{{to}}</td><td class="n">{{duration}}</td></tr>{{/intervals}}</table></div>
    """#
}
