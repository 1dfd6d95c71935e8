import Hummingbird

extension WebApp {
    /// Pantau's own stylesheet and script, served from the binary (no CDN, no external font).
    func addAssetRoutes(_ router: Router<WebContext>) {
        router.get("/static/pantau.css") { _, _ in
            Self.asset(WebAssets.css, type: "text/css; charset=utf-8")
        }
        router.get("/static/pantau.js") { _, _ in
            Self.asset(WebAssets.js, type: "text/javascript; charset=utf-8")
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

enum WebAssets {
    static let css = """
    body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;color:#111;background:#fff;font-size:14px}
    header{display:flex;flex-wrap:wrap;gap:.8em;align-items:center;padding:.5em 1em;background:#0d47a1;color:#fff}
    header a{color:#fff} .brand{font-weight:bold;font-size:1.2em;text-decoration:none} .org{opacity:.85}
    nav{display:flex;gap:.8em} .who{margin-left:auto} form.inline{display:inline} header button{cursor:pointer}
    .live{color:#a5d6a7;font-size:.9em} main{padding:1em;max-width:1200px}
    h1{font-size:1.4em} h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:1.4em}
    table.list{border-collapse:collapse;width:100%} table.list th,table.list td{border-bottom:1px solid #e0e0e0;padding:.25em .4em;text-align:left}
    td.n,th.n{text-align:right} tr.bad td{background:#ffebee} .muted{color:#666;font-size:.9em} .alert{background:#fff3e0;border-left:4px solid #e65100;padding:.5em}
    .s-up>.state,.s-up>td.state{color:#2e7d32} .s-down>.state,.s-down>td.state{color:#c62828;font-weight:bold}
    .s-unknown>.state,.s-unknown>td.state,.s-unresolved>.state{color:#757575}
    tr.s-down td,li.s-down>a{background:#ffebee} div.scroll{overflow-x:auto;max-width:100%}
    .link{font-size:.85em;color:#666;margin-left:.3em} .link.s-up{color:#2e7d32} .link.s-down{color:#c62828;font-weight:bold} ul.tree li{overflow-wrap:anywhere} .p-P1{color:#b71c1c} .p-P2{color:#e65100}
    ul.tree{list-style:none;padding-left:0} ul.tree ul{list-style:none;padding-left:1.4em;border-left:1px dotted #aaa}
    .error{color:#b71c1c} form.login{display:flex;flex-direction:column;gap:.6em;max-width:20em}
    .actions form{margin:.5em 0} .actions label{display:block} form.close{display:flex;flex-direction:column;gap:.4em;max-width:36em}
    textarea{min-height:4em} svg.chart{max-width:100%;height:auto} table.kv td{padding:.2em .6em;vertical-align:top}
    @media (max-width:700px){header{font-size:.9em} .who{margin-left:0} table.list{font-size:.85em} main{padding:.5em}}
    """

    /// Live updates: an EventSource on /events; a state change recolours every element that shows
    /// the target at once, and any change refreshes the page's main content in the background.
    static let js = """
    (function () {
      if (!window.EventSource || document.body.dataset.page === 'login') return;
      var words = document.documentElement.lang === 'en'
        ? {up: 'up', down: 'down', unknown: 'no data', unresolved: 'name unresolved'}
        : {up: 'normal', down: 'putus', unknown: 'tanpa data', unresolved: 'nama tak terurai'};
      var live = document.getElementById('live');
      var pending = null, dirty = false;
      // A form someone has started to fill, or an opened form section, is never swept away by a refresh.
      document.addEventListener('input', function (e) { var m = document.querySelector('main'); if (m && m.contains(e.target)) dirty = true; });
      function refresh() {
        if (pending) return;
        pending = setTimeout(function () {
          pending = null;
          fetch(location.pathname + location.search, {credentials: 'same-origin'}).then(function (r) {
            if (!r.ok || r.redirected) return null;
            return r.text();
          }).then(function (html) {
            if (!html) return;
            var doc = new DOMParser().parseFromString(html, 'text/html');
            var fresh = doc.querySelector('main'), main = document.querySelector('main');
            var a = document.activeElement;
            if (a && main && main.contains(a) && /INPUT|TEXTAREA|SELECT/.test(a.tagName)) return;  // someone is typing
            if (dirty || (main && main.querySelector('details[open]'))) return;
            if (fresh && main) main.innerHTML = fresh.innerHTML;
          });
        }, 300);
      }
      var source = new EventSource('/events');
      source.onopen = function () { if (live) live.hidden = false; };
      source.onerror = function () { if (live) live.hidden = true; };
      source.addEventListener('state', function (e) {
        var d = JSON.parse(e.data);
        document.querySelectorAll('[data-target="' + CSS.escape(d.target) + '"]').forEach(function (el) {
          el.className = el.className.replace(/\\bs-[a-z]+/g, '') + ' s-' + d.state;
          var s = el.querySelector(':scope > .state, :scope > td.state'); if (s) s.textContent = words[d.state] || d.state;
          var since = el.querySelector(':scope > .since, :scope > td.since'); if (since) { var en = document.documentElement.lang === 'en'; since.title = en ? d.title_en : d.title_id; since.textContent = en ? d.since_en : d.since_id; }
        });
        refresh();
      });
      source.addEventListener('ticket', refresh);
    })();
    """
}
