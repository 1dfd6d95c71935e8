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
    nav{display:flex;flex-wrap:wrap;gap:.4em .8em} .who{margin-left:auto} form.inline{display:inline} header button{cursor:pointer}
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
    main{overflow-wrap:break-word} input,select,textarea{max-width:100%;box-sizing:border-box} code{font-size:.95em}
    .mapbar{display:flex;flex-wrap:wrap;align-items:center;gap:.4em 1.2em} .mapbar h1{margin:.2em 0}
    .counts,.legend{display:flex;flex-wrap:wrap;gap:.3em 1em;list-style:none;padding:0;margin:.3em 0}
    .counts svg,.legend svg{width:1.1em;height:1.1em;vertical-align:middle;margin-right:.2em} .legend svg{width:2em}
    .counts b{font-size:1.3em} .mapactions{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
    .mapgrid{display:grid;grid-template-columns:minmax(0,3fr) minmax(15em,1fr);gap:1em}
    @media (max-width:900px){.mapgrid{grid-template-columns:minmax(0,1fr)}}
    svg.map{width:100%;height:auto;max-height:calc(100vh - 8em);background:#fafafa;border:1px solid #e0e0e0}
    .ml{stroke:#bdbdbd;stroke-width:2} .ml.s-up{stroke:#2e7d32} .ml.s-down{stroke:#c62828} .ml.s-degraded{stroke:#f9a825}
    .ml.s-maintenance{stroke:#1565c0} .ml.s-unknown{stroke:#bdbdbd} .ml.k-fo-undersea{stroke-dasharray:10 5} .ml.k-fo-aerial{stroke-dasharray:3 4}
    .ml.k-wireless{stroke-dasharray:8 3 2 3} .ml.k-isp{stroke-dasharray:1 4} .ml.hot{stroke-opacity:.9}
    .mn circle,.mn polygon,.mn rect{stroke:#fff;stroke-width:1.5} .mn.s-up :is(circle,polygon,rect){fill:#2e7d32}
    .mn.s-down :is(circle,polygon,rect){fill:#c62828} .mn.s-unreachable :is(circle,polygon,rect){fill:#ef6c00}
    .mn.s-degraded :is(circle,polygon,rect){fill:#f9a825;stroke:#6d4c00;stroke-width:2.5} .mn.s-maintenance :is(circle,polygon,rect){fill:#1565c0}
    .mn.s-unknown :is(circle,polygon,rect),.mn.s-unresolved :is(circle,polygon,rect){fill:#fff;stroke:#757575;stroke-width:2}
    .lbl{font-size:13px;fill:#212121;paint-order:stroke;stroke:#fafafa;stroke-width:3px} .mn.hub .lbl{font-weight:bold}
    .lbl.off{display:none} .mn:hover .lbl.off{display:inline} .mn.s-down .lbl,.mn.s-unreachable .lbl{fill:#b71c1c;display:inline}
    ol.wall{list-style:none;padding:0;margin:0} ol.wall li{border-left:5px solid #9e9e9e;padding:.3em .5em;margin:.3em 0;background:#f5f5f5}
    ol.wall li span{display:block} ol.wall li.p-P1{border-color:#b71c1c} ol.wall li.p-P2{border-color:#e65100} ol.wall li.bad{background:#ffebee}
    body.kiosk header{display:none} body.kiosk main{max-width:none;padding:.4em} body.kiosk #kiosk-link{display:none}
    body.kiosk ol.wall{font-size:1.15em} body.kiosk svg.map{max-height:calc(100vh - 5em)}
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
          // getAttribute/setAttribute: the map's SVG elements have no writable className.
          el.setAttribute('class', (el.getAttribute('class') || '').replace(/\\bs-[a-z]+/g, '').trim() + ' s-' + d.state);
          var s = el.querySelector(':scope > .state, :scope > td.state'); if (s) s.textContent = words[d.state] || d.state;
          var since = el.querySelector(':scope > .since, :scope > td.since'); if (since) { var en = document.documentElement.lang === 'en'; since.title = en ? d.title_en : d.title_id; since.textContent = en ? d.since_en : d.since_id; }
        });
        refresh();
      });
      source.addEventListener('ticket', refresh);
      // The wall map: a new P1 sounds and notifies (once turned on by a click: browsers allow sound
      // and notifications only after one), full screen, ages and timers redrawn every 30 s, and a
      // stream that ended for good (server restarted) opened again.
      if (document.body.dataset.page !== 'map') return;
      var audio = null, lastP1 = newestP1();
      function newestP1() { var w = document.getElementById('wall-tickets'); return w ? w.dataset.newestP1 || '' : ''; }
      function alarm(number) {
        if (localStorage.getItem('pantau-alerts') !== '1') return;
        var sounded = false, notified = false;
        try {
          audio = audio || new (window.AudioContext || window.webkitAudioContext)();
          [0, 0.35, 0.7].forEach(function (t) {
            var o = audio.createOscillator(), g = audio.createGain();
            o.frequency.value = 880; g.gain.value = 0.2; o.connect(g); g.connect(audio.destination);
            o.start(audio.currentTime + t); o.stop(audio.currentTime + t + 0.2);
          });
          sounded = true;
        } catch (e) {}
        if (window.Notification && Notification.permission === 'granted') {
          new Notification('P1 ' + number, {tag: 'pantau-p1', body: document.title});
          notified = true;
        }
        // What the alarm did, for the browser test (a few entries a night at most).
        (window.__pantauAlarms = window.__pantauAlarms || []).push({number: number, sound: sounded, notification: notified});
      }
      new MutationObserver(function () {
        var now = newestP1();
        if (now && now > lastP1) alarm(now);
        lastP1 = now || lastP1;
      }).observe(document.querySelector('main'), {childList: true, subtree: true});
      document.addEventListener('click', function (e) {
        if (e.target.id === 'alerts-on') {
          localStorage.setItem('pantau-alerts', '1');
          if (window.Notification && Notification.permission === 'default') Notification.requestPermission();
          audio = audio || new (window.AudioContext || window.webkitAudioContext)();
        }
        if (e.target.id === 'fullscreen' && document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
      });
      var bar = document.querySelector('[data-refresh]');
      setInterval(refresh, 1000 * (bar ? parseInt(bar.dataset.refresh, 10) || 30 : 30));
      setInterval(function () {
        if (source.readyState !== 2) return;
        // Only once the server answers again: a reload while it is down would leave an error page without this script.
        fetch(location.pathname + location.search, {credentials: 'same-origin'}).then(function (r) { if (r.ok) location.reload(); }, function () {});
      }, 10000);
    })();
    """
}
