/* Facet live client: /ws/events -> the "live-event" store, alert sounds, MJPEG camera tiles,
 * and the twin's live layer (pickers and open picks moved in place on a confirmed pick).
 * Dash loads every file in assets/; this one defines window.dash_clientside.facet.connect,
 * which the shell calls (as a clientside callback) whenever the sign-in store changes. */
(function () {
  "use strict";
  var state = { ws: null, token: null, retry: 1000, sound: true, audio: null };

  function setStatus(text) {
    var el = document.getElementById("live-status");
    // The shown word is the page's (data-live, data-offline: the person's language).
    if (el) { el.textContent = el.dataset[text] || text; el.className = "live-status " + text; }
  }

  function beep() {
    if (!state.sound) { return; }
    try {
      state.audio = state.audio || new (window.AudioContext || window.webkitAudioContext)();
      var ctx = state.audio, t = ctx.currentTime;
      [0, 0.25].forEach(function (offset) {
        var osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.type = "square"; osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.15, t + offset);
        gain.gain.exponentialRampToValueAtTime(0.001, t + offset + 0.2);
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(t + offset); osc.stop(t + offset + 0.2);
      });
    } catch (err) { /* no audio device: the feed still shows the alert */ }
  }

  function onMessage(msg) {
    var evt;
    try { evt = JSON.parse(msg.data); } catch (err) { return; }
    if (evt.event === "hello" || evt.event === "error") { return; }
    if (evt.event === "AlertRaised" && (evt.severity === "high" || evt.severity === "critical")) {
      beep();
    }
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("live-event", { data: evt });
    }
  }

  /* The token never goes in the websocket URL (access logs keep URLs): a single-use ticket
   * from POST /api/ws-ticket (valid 30 s) opens the socket. */
  function open() {
    var token = state.token;
    if (!token) { return; }
    fetch("/api/ws-ticket", { method: "POST", headers: { Authorization: "Bearer " + token } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { return null; }  // signed out: stay offline
        if (!r.ok) { throw new Error("ticket " + r.status); }
        return r.json();
      })
      .then(function (body) {
        if (body && token === state.token && !state.ws) { socket(body.ticket); }
        else if (!body) { setStatus("offline"); }
      })
      .catch(function () { retry(); });
  }

  function retry() {
    setStatus("offline");
    setTimeout(open, state.retry);
    state.retry = Math.min(state.retry * 2, 15000);
  }

  function socket(ticket) {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/ws/events?ticket=" +
                           encodeURIComponent(ticket));
    state.ws = ws;
    ws.onopen = function () { state.retry = 1000; setStatus("live"); };
    ws.onmessage = onMessage;
    ws.onclose = function (e) {
      if (state.ws !== ws) { return; }
      state.ws = null;
      setStatus("offline");
      if (!state.token) { return; }  // signed out
      retry();  // a fresh ticket; the ticket endpoint says when the sign-in itself is gone
    };
  }

  function connect(auth) {
    var token = auth && auth.token ? auth.token : null;
    if (token === state.token && state.ws) { return window.dash_clientside.no_update; }
    state.token = token;
    if (state.ws) { var old = state.ws; state.ws = null; old.close(); }
    if (token) { open(); return "connecting"; }
    return "";
  }

  /* MJPEG over fetch, so the bearer token can be sent: split the stream on JPEG markers. */
  function indexOfMarker(buf, a, b, from) {
    for (var i = from; i < buf.length - 1; i++) { if (buf[i] === a && buf[i + 1] === b) { return i; } }
    return -1;
  }

  function stream(img) {
    img.dataset.started = "1";
    var url = "/api/vision/cameras/" + encodeURIComponent(img.dataset.camera) + "/mjpeg";
    var controller = new AbortController();
    fetch(url, { headers: { Authorization: "Bearer " + state.token }, signal: controller.signal })
      .then(function (resp) {
        if (!resp.ok || !resp.body) { img.alt = "stream unavailable (" + resp.status + ")"; return; }
        var reader = resp.body.getReader(), buf = new Uint8Array(0);
        function pump() {
          if (!document.body.contains(img)) { controller.abort(); return; }
          return reader.read().then(function (part) {
            if (part.done) { return; }
            var joined = new Uint8Array(buf.length + part.value.length);
            joined.set(buf); joined.set(part.value, buf.length); buf = joined;
            var start = indexOfMarker(buf, 0xff, 0xd8, 0), end = start < 0 ? -1 :
              indexOfMarker(buf, 0xff, 0xd9, start + 2);
            while (start >= 0 && end >= 0) {
              var blob = new Blob([buf.slice(start, end + 2)], { type: "image/jpeg" });
              var old = img.src; img.src = URL.createObjectURL(blob);
              if (old && old.indexOf("blob:") === 0) { URL.revokeObjectURL(old); }
              buf = buf.slice(end + 2);
              start = indexOfMarker(buf, 0xff, 0xd8, 0);
              end = start < 0 ? -1 : indexOfMarker(buf, 0xff, 0xd9, start + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { img.dataset.started = ""; });
  }

  setInterval(function () {
    if (!state.token) { return; }
    document.querySelectorAll("img.mjpeg[data-camera]").forEach(function (img) {
      if (!img.dataset.started) { stream(img); }
    });
  }, 500);

  document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest ? e.target.closest("#al-sound") : null;
    if (!button) { return; }
    state.sound = !state.sound;
    // The words are the page's (drawn in the person's language), not this file's.
    button.textContent = state.sound ? button.dataset.on : button.dataset.off;
    if (state.sound && !state.audio) {  // a click is the gesture browsers need for audio
      try { state.audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (err) { /* none */ }
    }
  });

  /* The twin's live layer (web/pages/twin_plan.py add_live): two traces found by uid, moved in
   * place with Plotly.restyle, so a confirmed pick moves its picker without a server redraw.
   * `points` is bin code -> [stand x, stand y, bin x, bin y, bin z] (live_points). */
  var OPEN = "tw-open", PICKERS = "tw-pickers", FLOOR_Z = 0.05;

  function twinGraph() {
    var gd = document.querySelector("#tw-graph .js-plotly-plot");
    return gd && gd.data && window.Plotly ? gd : null;
  }

  function traceIndex(gd, uid) {
    for (var i = 0; i < gd.data.length; i++) { if (gd.data[i].uid === uid) { return i; } }
    return -1;
  }

  function isThreeD(trace) { return trace.type === "scatter3d"; }

  /* Both traces in one restyle (one redraw: a 3D scene costs a full render each time).
   * Pickers: names in `text`, each one's bin in customdata[k][0]; they stand in the aisle.
   * Open picks: customdata[k] = [bin, open lines]; drawn on the bin itself. */
  function drawLive(gd, points, where, open) {
    var ip = traceIndex(gd, PICKERS), io = traceIndex(gd, OPEN);
    if (ip < 0 || io < 0) { return; }
    var names = Object.keys(where).filter(function (n) { return points[where[n]]; }).sort();
    var codes = Object.keys(open).filter(function (c) { return open[c] > 0 && points[c]; }).sort();
    var update = {
      text: [names, codes],
      customdata: [names.map(function (n) { return [where[n]]; }),
                   codes.map(function (c) { return [c, open[c]]; })],
      x: [names.map(function (n) { return points[where[n]][0]; }),
          codes.map(function (c) { return points[c][2]; })],
      y: [names.map(function (n) { return points[where[n]][1]; }),
          codes.map(function (c) { return points[c][3]; })]
    };
    if (isThreeD(gd.data[ip])) {
      update.z = [names.map(function () { return FLOOR_Z; }),
                  codes.map(function (c) { return points[c][4]; })];
    }
    window.Plotly.restyle(gd, update, [ip, io]);
  }

  function currentPickers(gd) {
    var i = traceIndex(gd, PICKERS), where = {};
    if (i < 0) { return where; }
    var names = gd.data[i].text || [], bins = gd.data[i].customdata || [];
    for (var k = 0; k < names.length; k++) { where[names[k]] = bins[k][0]; }
    return where;
  }

  function currentOpen(gd) {
    var i = traceIndex(gd, OPEN), open = {};
    if (i < 0) { return open; }
    (gd.data[i].customdata || []).forEach(function (row) { open[row[0]] = row[1]; });
    return open;
  }

  /* live-event -> the picker moves to the bin and the bin has one open line fewer. */
  function twinEvent(evt, points) {
    var nothing = window.dash_clientside.no_update, gd = twinGraph();
    if (!evt || evt.event !== "PickConfirmed" || !points || !gd || !points[evt.location]) {
      return nothing;
    }
    var where = currentPickers(gd), open = currentOpen(gd);
    where[evt.picker] = evt.location;
    if (open[evt.location]) { open[evt.location] -= 1; }
    drawLive(gd, points, where, open);
    return whoIsWhere(where);
  }

  function same(a, b) {
    var ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every(function (k, n) {
      return k === kb[n] && a[k] === b[k];
    });
  }

  function whoIsWhere(where) {
    return Object.keys(where).sort().map(function (n) { return n + " · " + where[n]; }).join("   ");
  }

  /* Every few seconds, GET /api/twin/live: new pick lists, partial picks, other processes. */
  function twinRefresh(n, points) {
    var gd = twinGraph();
    if (!gd || !points || !state.token) { return window.dash_clientside.no_update; }
    fetch("/api/twin/live", { headers: { Authorization: "Bearer " + state.token } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (live) {
        var now = twinGraph();
        if (!live || !now) { return; }
        var where = {};
        live.pickers.forEach(function (p) { where[p.picker] = p.location; });
        var open = live.open_picks || {};
        if (!same(where, currentPickers(now)) || !same(open, currentOpen(now))) {
          drawLive(now, points, where, open);  // nothing moved: no redraw (3D: a full render)
        }
        var who = document.getElementById("tw-who");
        if (who) { who.textContent = whoIsWhere(where); }
      })
      .catch(function () { /* offline: the next tick tries again */ });
    return window.dash_clientside.no_update;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    facet: { connect: connect, twinEvent: twinEvent, twinRefresh: twinRefresh }
  });
  window.facetLive = state;
})();
