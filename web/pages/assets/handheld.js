/* Facet handheld screens (/hh/...): a scanner in keyboard-wedge mode types a code and Enter
 * into the scan field; each screen turns scans into postings.
 *
 * Writes go through an outbox kept in localStorage: each carries an Idempotency-Key made when
 * the scan that completes it is read, and keeps it until the server answers, so a retry after
 * a dropped connection replays the first answer instead of posting twice. The outbox is sent
 * in order whenever the connection allows, on any page. Lookups (what a scan is) need the
 * server: while it cannot be reached, scans wait in order and are looked up when it is back.
 *
 * Every word shown comes from the page (data-hh-text, translated by the server); codes are
 * never parsed here: POST /api/scan says what a scan is, and postings carry it as scanned. */
(function () {
  "use strict";
  var OUTBOX = "facet-hh-outbox";
  var RETRYABLE = { 0: 1, 502: 1, 503: 1, 504: 1 };
  var TIMEOUT_MS = 15000;
  var hh = {
    root: null, page: null, text: {}, flow: null, input: null,
    offline: !navigator.onLine, signedOut: false, sending: false, retryMs: 1000, timer: null,
    scans: [], scanning: false, skus: {}
  };

  /* ---- small helpers ---------------------------------------------------------------- */

  function t(key, values) {
    var text = hh.text[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      if (name === "text") { node.textContent = props[name]; }
      else if (name === "className") { node.className = props[name]; }
      else if (name.indexOf("on") === 0) { node.addEventListener(name.slice(2), props[name]); }
      else if (props[name] !== null && props[name] !== undefined) {
        node.setAttribute(name, props[name]);
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function button(label, action, extra) {
    return el("button", Object.assign({ type: "button", "data-hh-act": action,
                                        className: "hh-btn" }, extra || {}), [label]);
  }

  function fill(id, nodes) {
    var box = document.getElementById(id);
    if (!box) { return; }
    box.textContent = "";
    nodes.forEach(function (n) { if (n) { box.appendChild(n); } });
  }

  function prompt(text, kind) {
    var box = document.getElementById("hh-prompt");
    if (box) { box.textContent = text; box.className = "hh-prompt" + (kind ? " " + kind : ""); }
    // A refused scan is felt as well as shown: the picker's eyes are on the shelf.
    if (kind === "bad" && navigator.vibrate) { navigator.vibrate([80, 60, 80]); }
  }

  /* What was posted or refused, newest first. Kept for the tab's session, so an answer that
   * arrives while another page is open (the outbox sends from any page) is still seen. */
  var LOG = "facet-hh-log";

  function log(text, kind) {
    var entries = logged();
    entries.unshift({ text: text, kind: kind || "info" });
    window.sessionStorage.setItem(LOG, JSON.stringify(entries.slice(0, 30)));
    showLog();
  }

  function logged() {
    try { return JSON.parse(window.sessionStorage.getItem(LOG) || "[]"); }
    catch (err) { return []; }
  }

  function showLog() {
    fill("hh-log", logged().map(function (entry) {
      return el("li", { className: "hh-" + entry.kind, text: entry.text });
    }));
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // available on plain http too, unlike randomUUID
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function auth() {
    try {
      var data = JSON.parse(window.sessionStorage.getItem("auth") || "null");
      return data && data.token ? data : null;
    } catch (err) { return null; }
  }

  function refusal(body, status) {
    var error = body && body.error ? body.error : {};
    return t("refused", { message: error.message || String(status), code: error.code || status });
  }

  /* ---- talking to the API ----------------------------------------------------------- */

  /* Resolves {status, body}; status 0 means the server could not be reached (or did not
   * answer in time). Never rejects. */
  function call(method, path, body, key) {
    var who = auth();
    if (!who) { return Promise.resolve({ status: 401, body: null }); }
    var headers = { Authorization: "Bearer " + who.token };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (key) { headers["Idempotency-Key"] = key; }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(path, {
      method: method, headers: headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (resp) {
      return resp.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (err) { parsed = null; }
        return { status: resp.status, body: parsed };
      });
    }).catch(function () { return { status: 0, body: null }; })
      .then(function (answer) {
        if (timer) { clearTimeout(timer); }
        connection(answer.status);
        return answer;
      });
  }

  function connection(status) {
    var was = hh.offline;
    hh.offline = status === 0 || !navigator.onLine;
    hh.signedOut = status === 401;
    if (was && !hh.offline) { hh.retryMs = 1000; kick(); }
    showStatus();
  }

  function get(path) { return call("GET", path); }

  /* What a scan is: {kind: "serial"|"location"|..., code, ...}, {kind: "unknown"}, or
   * {kind: "offline"} when the server could not be asked. */
  function resolve(code) {
    return call("POST", "/api/scan", { code: code }).then(function (answer) {
      if (answer.status === 0 || RETRYABLE[answer.status]) { return { kind: "offline" }; }
      if (answer.status === 404) { return { kind: "unknown", code: code }; }
      if (answer.status >= 400) {
        return { kind: "error", message: refusal(answer.body, answer.status) };
      }
      return flat(answer.body);
    });
  }

  /* One level for the screens: a piece's SKU, lot and place, a location's zone. */
  function flat(found) {
    var piece = found.piece || {}, place = found.location || {};
    return { kind: found.kind, code: found.code, via: found.via, sku: piece.sku, lot: piece.lot,
             location: piece.location, status: piece.status, lotStatus: piece.lot_status,
             zone: place.zone,
             tier: place.tier };
  }

  function skuOf(code) {
    if (hh.skus[code]) { return Promise.resolve(hh.skus[code]); }
    return get("/api/skus/" + encodeURIComponent(code)).then(function (answer) {
      if (answer.status !== 200) { return { code: code, serialised: true }; }
      hh.skus[code] = answer.body;
      return answer.body;
    });
  }

  function skusOf(lines) {
    return Promise.all(lines.map(function (ln) { return skuOf(ln.sku); }));
  }

  /* The entry in ``items`` whose number is the scanned text (a document's barcode). */
  function named(items, code) {
    var wanted = code.toUpperCase();
    return items.filter(function (item) { return item.number.toUpperCase() === wanted; })[0];
  }

  /* A quantity field for a line of unserialised stock; what is typed is kept on the line. */
  function quantity(ln, value) {
    return el("input", { type: "number", min: "0", className: "hh-qty", inputmode: "numeric",
                         "data-line": String(ln.line_no), value: value, "aria-label": t("rc_qty"),
                         oninput: function (e) { ln.qty = parseInt(e.target.value, 10) || 0; } });
  }

  /* ---- the outbox --------------------------------------------------------------------- */

  function outbox() {
    try { return JSON.parse(window.localStorage.getItem(OUTBOX) || "[]"); }
    catch (err) { return []; }
  }

  function saveOutbox(items) { window.localStorage.setItem(OUTBOX, JSON.stringify(items)); }

  function mine(items) {
    var who = auth();
    return items.filter(function (item) { return who && item.user === who.username; });
  }

  /* Queue a write; its key is made now, at the scan, and kept until the server answers. */
  function post(kind, path, body, what, context) {
    var who = auth();
    if (!who) { hh.signedOut = true; showStatus(); return null; }
    var item = { key: newKey(), user: who.username, kind: kind, method: "POST", path: path,
                 body: body, what: what, context: context || {}, page: hh.page, at: Date.now() };
    var items = outbox();
    items.push(item);
    saveOutbox(items);
    showStatus();
    kick();
    return item;
  }

  function drop(key) {
    saveOutbox(outbox().filter(function (item) { return item.key !== key; }));
  }

  function kick() {
    if (hh.timer) { clearTimeout(hh.timer); hh.timer = null; }
    send();
  }

  function later() {
    if (hh.timer) { return; }
    hh.timer = setTimeout(function () { hh.timer = null; send(); }, hh.retryMs);
    hh.retryMs = Math.min(hh.retryMs * 2, 10000);
  }

  function send() {
    if (hh.sending) { return; }
    var item = mine(outbox())[0];
    if (!item) { showStatus(); return; }
    hh.sending = true;
    showStatus();
    call(item.method, item.path, item.body, item.key).then(function (answer) {
      hh.sending = false;
      if (answer.status === 0 || RETRYABLE[answer.status]) { later(); return; }
      if (answer.status === 401) { showStatus(); return; }  // kept for the next sign-in
      drop(item.key);
      hh.retryMs = 1000;
      answered(item, answer);
      send();
    });
  }

  function answered(item, answer) {
    var flow = hh.flow && hh.page === item.page ? hh.flow : null;
    if (answer.status >= 400) {
      log(item.what + ": " + refusal(answer.body, answer.status), "error");
      if (flow && flow.refused) { flow.refused(item, answer.body); }
    } else if (flow && flow.posted) {
      flow.posted(item, answer.body);
    } else {
      log(item.what + " ✓", "ok");
    }
    showStatus();
  }

  function showStatus() {
    var net = document.getElementById("hh-net");
    var queue = document.getElementById("hh-queue");
    if (!net || !queue) { return; }
    var waiting = mine(outbox());
    var offline = hh.offline || !navigator.onLine;
    net.textContent = hh.signedOut ? t("signed_out") : offline ? t("offline") : t("online");
    net.className = "hh-net " + (hh.signedOut || offline ? "off" : "on");
    if (hh.root) { hh.root.setAttribute("data-hh-online", offline ? "false" : "true"); }
    var lines = waiting.map(function (item) { return el("li", { text: item.what }); });
    var scans = hh.scans.filter(function (item) { return typeof item === "string"; });
    if (scans.length) {
      lines.unshift(el("li", { text: t("waiting_scans", { n: scans.length }) }));
    }
    queue.textContent = "";
    queue.setAttribute("data-waiting", String(waiting.length));
    if (waiting.length) {
      queue.appendChild(el("strong", { text: t("waiting", { n: waiting.length }) }));
    }
    if (lines.length) { queue.appendChild(el("ul", {}, lines)); }
  }

  /* ---- scans -------------------------------------------------------------------------- */

  /* Scans are handled one at a time, in order. A scan the server could not be asked about
   * stays first in line and is tried again when the connection is back. A button pressed
   * while scans wait joins the line, so it acts after them: Short pressed right after the
   * bin's scan shorts at that bin instead of being refused before the bin is proven. */
  function scanned(code) {
    var text = (code || "").trim();
    if (!text || !hh.flow) { return; }
    hh.scans.push(text);
    nextScan();
  }

  function pressed(action, target) {
    if (hh.scanning || hh.scans.length) {
      hh.scans.push({ action: action, target: target });
      showStatus();
      return;
    }
    hh.flow.act(action, target);
  }

  function nextScan() {
    if (hh.scanning || !hh.scans.length || !hh.flow) { showStatus(); return; }
    if (typeof hh.scans[0] !== "string") {  // a button pressed after the scans before it
      var press = hh.scans.shift();
      if (hh.flow.act) { hh.flow.act(press.action, press.target); }
      nextScan();
      return;
    }
    hh.scanning = true;
    var flow = hh.flow, code = hh.scans[0];
    Promise.resolve(flow.scan(code)).then(function (result) {
      hh.scanning = false;
      if (flow !== hh.flow) { hh.scans = []; return; }
      if (result === "offline") {
        showStatus();
        setTimeout(nextScan, Math.min(hh.retryMs, 5000));
        return;
      }
      hh.scans.shift();
      nextScan();
    }, function (err) {
      hh.scanning = false;
      hh.scans.shift();
      log(String(err), "error");
      nextScan();
    });
  }

  function focusScan() {
    var active = document.activeElement;
    var typing = active && active !== hh.input &&
      (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT");
    if (hh.input && !typing && document.body.contains(hh.input)) { hh.input.focus(); }
  }

  function makeScanField() {
    var box = document.getElementById("hh-scan-box");
    if (!box) { hh.input = null; return; }
    hh.input = el("input", {
      id: "hh-scan", className: "hh-scan", type: "text", autocomplete: "off",
      autocapitalize: "off", spellcheck: "false", enterkeyhint: "go",
      placeholder: box.getAttribute("data-placeholder"),
      "aria-label": box.getAttribute("data-label")
    });
    hh.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        var value = hh.input.value;
        hh.input.value = "";
        scanned(value);
      }
    });
    box.textContent = "";
    box.appendChild(hh.input);
    box.appendChild(keyboardSwitch(box));
    hh.input.focus();
  }

  /* A PDA's scanner needs no on-screen keyboard (it covers half the screen); a phone without
   * one does. The choice is kept on the device. */
  var KEYBOARD = "facet-hh-keyboard";

  function keyboardSwitch(box) {
    var on = window.localStorage.getItem(KEYBOARD) !== "off";
    var toggle = el("button", { type: "button", id: "hh-keyboard", className: "hh-keyboard",
                                title: box.getAttribute("data-keyboard"),
                                "aria-label": box.getAttribute("data-keyboard") }, ["⌨"]);
    function apply() {
      hh.input.setAttribute("inputmode", on ? "text" : "none");
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      on = !on;
      window.localStorage.setItem(KEYBOARD, on ? "on" : "off");
      apply();
      hh.input.blur();  // the new mode takes effect on the next focus
      hh.input.focus();
    });
    apply();
    return toggle;
  }

  /* ---- screens -------------------------------------------------------------------------- */

  function pieceLine(piece) {
    return t("piece", { code: piece.code, sku: piece.sku, lot: piece.lot,
                        location: piece.location || "" });
  }

  function isPiece(found) { return found.kind === "serial"; }
  function isLocation(found) { return found.kind === "location"; }

  /* A scan that is neither what the screen wants nor offline: say what it was. */
  function otherwise(found, code, wanted) {
    if (found.kind === "offline") { return "offline"; }
    if (found.kind === "unknown") { prompt(t("unknown", { code: code }), "bad"); return null; }
    if (found.kind === "error") { prompt(found.message, "bad"); return null; }
    prompt(t(wanted, { code: found.code || code }), "bad");
    return null;
  }

  /* Put away and transfer: scan pieces, then the bin they go to. */
  function moveFlow(opts) {
    var flow = { pieces: [] };
    flow.start = function () { flow.render(); };
    flow.render = function () {
      prompt(flow.pieces.length ? t(opts.more, { n: flow.pieces.length }) : t(opts.first));
      var items = flow.pieces.map(function (p) {
        return el("li", { "data-serial": p.code, text: pieceLine(p) });
      });
      fill("hh-work", [el("ul", { className: "hh-list", id: "hh-pieces" }, items),
                       el("div", { id: "hh-suggest" })]);
      fill("hh-actions", flow.pieces.length ? [button(t("clear"), "clear")] : []);
      if (opts.suggest && flow.pieces.length) { opts.suggest(flow.pieces); }
    };
    flow.scan = function (code) {
      return resolve(code).then(function (found) {
        if (isPiece(found)) { return flow.piece(found, code); }
        if (isLocation(found) && flow.pieces.length) { return flow.bin(found, code); }
        if (isLocation(found)) { prompt(t(opts.first), "bad"); return null; }
        return otherwise(found, code, "not_piece");
      });
    };
    flow.piece = function (found, code) {
      if (flow.pieces.some(function (p) { return p.code === found.code; })) {
        prompt(t("already", { code: found.code }), "bad");
        return null;
      }
      if (found.lotStatus && found.lotStatus !== "approved") {
        prompt(t("not_approved", { code: found.code, lot: found.lot, status: found.lotStatus }),
               "bad");
        return null;
      }
      flow.pieces.push({ code: found.code, scan: code, sku: found.sku, lot: found.lot,
                         location: found.location });
      flow.render();
      return null;
    };
    flow.bin = function (found, code) {
      var groups = {};
      flow.pieces.forEach(function (p) {
        var id = [p.sku, p.lot, p.location].join("|");
        groups[id] = groups[id] || { sku: p.sku, lot: p.lot, from_location: p.location,
                                     to_location: code, quantity: 0, serials: [] };
        groups[id].quantity += 1;
        groups[id].serials.push(p.scan);
      });
      var lines = Object.keys(groups).map(function (id) { return groups[id]; });
      var n = flow.pieces.length, bin = found.code;
      post(opts.kind, opts.path, { lines: lines }, t(opts.what, { n: n, bin: bin }),
           { n: n, bin: bin });
      flow.pieces = [];
      flow.render();
      return null;
    };
    flow.act = function (action) { if (action === "clear") { flow.pieces = []; flow.render(); } };
    flow.posted = function (item, doc) {
      log(t(opts.done, { n: item.context.n, bin: item.context.bin, doc: doc.number }), "ok");
    };
    return flow;
  }

  function suggestBins(pieces) {
    var sku = pieces[pieces.length - 1].sku;
    var n = pieces.filter(function (p) { return p.sku === sku; }).length;
    get("/api/slotting/suggest?sku=" + encodeURIComponent(sku) + "&quantity=" + n + "&limit=3")
      .then(function (answer) {
        var box = document.getElementById("hh-suggest");
        if (!box || answer.status !== 200) { return; }
        var bins = (answer.body.candidates || []).map(function (c) {
          return el("li", { "data-bin": c.location || c.code, className: "hh-bin" },
                    [el("strong", { text: c.location || c.code }), " ",
                     el("span", { text: (c.reasons || []).join(", ") })]);
        });
        fill("hh-suggest", [el("h4", { text: t("pa_suggest", { sku: sku }) }),
                            bins.length ? el("ol", { className: "hh-list" }, bins)
                              : el("p", { text: t("pa_no_suggestion") })]);
      });
  }

  /* Receive against a purchase order: choose it, give the lot, scan pieces or type counts. */
  function receiveFlow() {
    var flow = { orders: [], po: null, lines: [], active: 0, into: null };
    flow.start = function () {
      flow.po = null;
      prompt(t("rc_choose"));
      Promise.all(["open", "partly_received"].map(function (status) {
        return get("/api/purchase-orders?limit=100&status=" + status);
      })).then(function (answers) {
        flow.orders = [];
        answers.forEach(function (a) {
          if (a.status === 200) { flow.orders = flow.orders.concat(a.body.items); }
        });
        flow.render();
      });
      fill("hh-actions", []);
    };
    flow.render = function () {
      if (!flow.po) {
        var choices = flow.orders.map(function (o) {
          return button(t("rc_order", { po: o.number, supplier: o.supplier, due: o.expected_on }),
                        "po:" + o.number, { className: "hh-btn hh-choice", "data-po": o.number });
        });
        fill("hh-work", choices.length ? choices : [el("p", { text: t("rc_none") })]);
        fill("hh-actions", []);
        return;
      }
      var lotBox = document.getElementById("hh-lot");
      var lot = lotBox ? lotBox.value : "", date = flow.date();
      var items = flow.lines.map(function (ln, i) {
        var parts = [el("strong", { text: t("rc_line", {
          sku: ln.sku, received: ln.received_quantity, ordered: ln.quantity }) })];
        if (ln.serialised) {
          parts.push(el("span", { className: "hh-count",
                                  text: t("scanned", { n: ln.serials.length }) }));
          parts.push(el("small", { text: ln.serials.map(function (p) {
            return p.epc ? t("rc_tagged", { code: p.code, epc: p.epc }) : p.code;
          }).join(" ") }));
        } else {
          parts.push(quantity(ln, ln.qty || ""));
        }
        return el("li", { className: "hh-line" + (i === flow.active ? " active" : ""),
                          "data-hh-act": "line:" + i, "data-line": String(ln.line_no) }, parts);
      });
      fill("hh-work", [
        el("h3", { text: t("rc_order", { po: flow.po.number, supplier: flow.po.supplier,
                                         due: flow.po.expected_on }) }),
        el("label", { className: "hh-field" }, [t("rc_lot"),
          el("input", { id: "hh-lot", type: "text", value: lot, autocomplete: "off" })]),
        el("label", { className: "hh-field" }, [t("rc_date"),
          el("input", { id: "hh-date", type: "date", value: date })]),
        flow.into ? el("p", { id: "hh-into", text: t("rc_into", { bin: flow.into.code }) }) : null,
        el("ul", { className: "hh-list", id: "hh-lines" }, items)
      ]);
      fill("hh-actions", [
        button(t("rc_submit"), "submit", { className: "hh-btn primary", id: "hh-submit" }),
        button(t("rc_tag"), "tag", { id: "hh-tag" }),
        button(t("clear"), "clear"), button(t("rc_other_po"), "others")]);
    };
    flow.date = function () {
      var box = document.getElementById("hh-date");
      return box && box.value ? box.value : new Date().toISOString().slice(0, 10);
    };
    flow.choose = function (number) {
      return get("/api/purchase-orders/" + encodeURIComponent(number)).then(function (answer) {
        if (answer.status === 0) { return "offline"; }
        if (answer.status !== 200) {
          prompt(refusal(answer.body, answer.status), "bad");
          return null;
        }
        flow.po = answer.body;
        return skusOf(flow.po.lines).then(function (skus) {
          flow.lines = flow.po.lines.map(function (ln, i) {
            return Object.assign({}, ln, { serialised: skus[i].serialised !== false,
                                           serials: [], qty: 0 });
          });
          var due = flow.lines.findIndex(function (ln) { return ln.on_order > 0; });
          flow.active = Math.max(0, due);
          prompt(t("rc_scan"));
          flow.render();
          return null;
        });
      });
    };
    flow.scan = function (code) {
      if (!flow.po) {
        var match = named(flow.orders, code);
        if (match) { return flow.choose(match.number); }
        prompt(t("rc_choose"), "bad");
        return null;
      }
      return resolve(code).then(function (found) {
        if (isLocation(found)) {
          flow.into = { code: found.code, scan: code };
          flow.render();
          return null;
        }
        if (found.kind === "unknown") { return flow.piece(code); }
        if (isPiece(found)) { prompt(t("rc_known", { code: found.code }), "bad"); return null; }
        return otherwise(found, code, "not_piece");
      });
    };
    flow.piece = function (code) {
      var ln = flow.lines[flow.active];
      if (!ln || !ln.serialised) {
        flow.active = flow.lines.findIndex(function (l) { return l.serialised; });
        ln = flow.lines[flow.active];
      }
      if (!ln) { prompt(t("rc_nothing"), "bad"); return null; }
      var taken = flow.lines.some(function (l) {
        return l.serials.some(function (p) { return p.code === code || p.epc === code; });
      });
      if (taken) { prompt(t("already", { code: code }), "bad"); return null; }
      if (flow.tagging) {  // this scan is the RFID tag of the piece scanned before it
        flow.tagging.epc = code;
        flow.tagging = null;
      } else {
        ln.serials.push({ code: code });
      }
      prompt(t("rc_scan"));
      flow.render();
      return null;
    };
    /* The next scan is the RFID tag of the last piece scanned (read by the reader's wedge). */
    flow.tag = function () {
      var ln = flow.lines[flow.active], last = ln ? ln.serials[ln.serials.length - 1] : null;
      if (!last) { prompt(t("rc_nothing"), "bad"); return; }
      flow.tagging = last;
      prompt(t("rc_tag_next", { code: last.code }));
    };
    flow.submit = function () {
      var lot = (document.getElementById("hh-lot") || {}).value || "";
      if (!lot.trim()) { prompt(t("rc_need_lot"), "bad"); return; }
      var lines = flow.lines.filter(function (ln) {
        return ln.serialised ? ln.serials.length : ln.qty > 0;
      }).map(function (ln) {
        return { sku: ln.sku, lot: lot.trim(), po_line: ln.line_no,
                 quantity: ln.serialised ? ln.serials.length : ln.qty,
                 serials: ln.serials.map(function (p) {
                   return p.epc ? { code: p.code, epc: p.epc } : { code: p.code };
                 }) };
      });
      if (!lines.length) { prompt(t("rc_nothing"), "bad"); return; }
      var n = lines.reduce(function (sum, ln) { return sum + ln.quantity; }, 0);
      var body = { supplier: flow.po.supplier, purchase_order: flow.po.number,
                   lots: [{ code: lot.trim(), purchase_date: flow.date() }], lines: lines };
      if (flow.into) { body.to_location = flow.into.scan; }
      post("receipt", "/api/receipts", body, t("rc_what", { n: n, po: flow.po.number }),
           { n: n, po: flow.po.number, lot: lot.trim() });
      flow.tagging = null;
      flow.lines.forEach(function (ln) { ln.serials = []; ln.qty = 0; });
      flow.render();
    };
    flow.act = function (action) {
      if (action.indexOf("po:") === 0) { flow.choose(action.slice(3)); }
      else if (action.indexOf("line:") === 0) {
        flow.active = parseInt(action.slice(5), 10);
        flow.render();
      }
      else if (action === "submit") { flow.submit(); }
      else if (action === "tag") { flow.tag(); }
      else if (action === "others") { flow.start(); }
      else if (action === "clear") {
        flow.lines.forEach(function (ln) { ln.serials = []; ln.qty = 0; });
        flow.into = null;
        flow.tagging = null;
        flow.render();
      }
    };
    /* A refused receipt gives its scans back to its lines, to correct and send again. */
    flow.refused = function (item) {
      if (!flow.po || flow.po.number !== item.context.po) { return; }
      item.body.lines.forEach(function (sent) {
        flow.lines.forEach(function (ln) {
          if (ln.line_no !== sent.po_line) { return; }
          if (ln.serialised) {
            ln.serials = sent.serials.concat(ln.serials);
          } else {
            ln.qty = sent.quantity;
          }
        });
      });
      var lot = document.getElementById("hh-lot");
      if (lot && !lot.value) { lot.value = item.context.lot; }
      flow.render();
    };
    flow.posted = function (item, doc) {
      log(t("rc_done", Object.assign({ doc: doc.number }, item.context)), "ok");
      if (flow.po && flow.po.number === item.context.po) {
        get("/api/purchase-orders/" + encodeURIComponent(flow.po.number)).then(function (answer) {
          if (answer.status !== 200 || !flow.po) { return; }
          answer.body.lines.forEach(function (fresh, i) {
            if (flow.lines[i]) { flow.lines[i].received_quantity = fresh.received_quantity; }
          });
          flow.render();
        });
      }
    };
    return flow;
  }

  /* Pick: the voice dialogue by scan. Go to the bin, scan its label, scan each piece (or type
   * the quantity); short, skip and undo as on the headset. */
  function pickFlow() {
    var flow = { lists: [], list: null, order: [], done: [] };
    flow.start = function () {
      var me = (auth() || {}).username || "";
      flow.list = null;
      prompt(t("pk_choose"));
      fill("hh-actions", []);
      Promise.all([get("/api/picklists?status=open&limit=50&picker=" + encodeURIComponent(me)),
                   get("/api/picklists?status=open&limit=50")]).then(function (answers) {
        var mineLists = answers[0].status === 200 ? answers[0].body.items : [];
        var free = (answers[1].status === 200 ? answers[1].body.items : [])
          .filter(function (l) { return !l.picker; });
        flow.lists = mineLists.concat(free).filter(function (l) { return flow.open(l).length; });
        if (mineLists.length === 1 && flow.open(mineLists[0]).length) {
          flow.take(mineLists[0]);
          return;
        }
        flow.render();
      });
    };
    flow.open = function (list) {
      return list.lines.filter(function (ln) { return ln.status === "open"; });
    };
    flow.take = function (list) {
      flow.list = list;
      flow.order = flow.open(list).map(function (ln) {
        return Object.assign({ bin: null, serials: [] }, ln);
      });
      return skusOf(flow.order).then(function (skus) {
        flow.order.forEach(function (ln, i) {
          ln.serialised = skus[i].serialised !== false;
          ln.description = skus[i].description || "";
        });
        flow.render();
      });
    };
    flow.line = function () { return flow.order[0] || null; };
    flow.left = function (ln) { return ln.quantity - ln.done_quantity - (ln.short_quantity || 0); };
    flow.render = function () {
      if (!flow.list) {
        var choices = flow.lists.map(function (l) {
          return button(t("pk_list", { list: l.number, lines: flow.open(l).length }),
                        "list:" + l.number,
                        { className: "hh-btn hh-choice", "data-list": l.number });
        });
        fill("hh-work", choices.length ? choices : [el("p", { text: t("pk_none") })]);
        return;
      }
      var ln = flow.line();
      if (!ln) {
        prompt(t("pk_finished", { list: flow.list.number }), "good");
        fill("hh-work", []);
        fill("hh-actions", flow.done.length ? [button(t("pk_undo"), "undo", { id: "hh-undo" }),
                                               button(t("pk_other"), "others")] : []);
        return;
      }
      var qty = flow.left(ln), total = flow.list.lines.length;
      var where = { bin: ln.from_location, qty: qty, sku: ln.sku, lot: ln.lot || "" };
      if (!ln.bin) { prompt(t("pk_go", where)); }
      else { prompt(t(ln.serialised ? "pk_pick_serial" : "pk_pick_qty", where)); }
      var parts = [
        el("p", { className: "hh-meta", text: t("pk_line", { n: ln.line_no, total: total }) }),
        el("p", { className: "hh-big", id: "hh-bin", text: ln.from_location }),
        el("p", { className: "hh-big", text: qty + " × " + ln.sku }),
        el("p", { className: "hh-meta",
                  text: [ln.description, ln.lot].filter(Boolean).join(" · ") })
      ];
      if (ln.serialised) {
        parts.push(el("p", { className: "hh-count", id: "hh-progress",
                             text: t("scanned", { n: ln.serials.length }) + " / " + qty }));
        if (ln.bin) { parts.push(flow.weightField()); }
      } else if (ln.bin) {
        parts.push(el("input", { id: "hh-qty", type: "number", min: "0", max: String(qty),
                                 inputmode: "numeric", className: "hh-qty", value: String(qty),
                                 "aria-label": t("rc_qty") }));
      }
      fill("hh-work", parts);
      var buttons = [];
      if (ln.bin && !ln.serialised) {
        buttons.push(button(t("pk_confirm"), "confirm",
                            { className: "hh-btn primary", id: "hh-confirm" }));
      }
      buttons.push(button(t("pk_short"), "short", { id: "hh-short" }),
                   button(t("pk_skip"), "skip", { id: "hh-skip" }));
      if (ln.bin && ln.serialised) {
        buttons.push(button(t("pk_read_scale"), "scale", { id: "hh-read-scale" }));
      }
      if (flow.done.length) { buttons.push(button(t("pk_undo"), "undo", { id: "hh-undo" })); }
      buttons.push(button(t("pk_other"), "others"));
      fill("hh-actions", buttons);
    };
    /* Weight at pick: put the piece on the scale, type (or read) its grams, then scan it;
     * the reading goes with that piece. Enter hands the focus back to the scan field. */
    flow.weightField = function () {
      return el("label", { className: "hh-weight" }, [
        t("pk_weight"),
        el("input", { id: "hh-weight", type: "number", min: "0", step: "0.001",
                      inputmode: "decimal", className: "hh-qty", "aria-label": t("pk_weight"),
                      onkeydown: function (e) {
                        if (e.key === "Enter" && hh.input) { e.preventDefault(); hh.input.focus(); }
                      } })
      ]);
    };
    flow.grams = function () {
      var box = document.getElementById("hh-weight");
      var grams = box ? parseFloat(box.value) : NaN;
      return isFinite(grams) && grams > 0 ? grams : null;
    };
    flow.weights = function (ln) {
      var weights = {}, any = false;
      ln.serials.forEach(function (s) {
        if (s.grams) { weights[s.scan] = s.grams; any = true; }
      });
      return any ? { weights: weights } : {};
    };
    flow.readScale = function () {
      get("/api/scale/reading").then(function (answer) {
        var box = document.getElementById("hh-weight");
        if (answer.status === 200 && box) {
          box.value = String(answer.body.grams);
          prompt(t("pk_weighed", { grams: answer.body.grams }), "good");
        } else {
          prompt(refusal(answer.body, answer.status), "bad");
        }
      });
    };
    flow.scan = function (code) {
      if (!flow.list) {
        var match = named(flow.lists, code);
        if (match) { flow.take(match); } else { prompt(t("pk_choose"), "bad"); }
        return null;
      }
      var ln = flow.line();
      if (!ln) { return null; }
      return resolve(code).then(function (found) {
        if (isLocation(found)) {
          if (found.code !== ln.from_location) {
            prompt(t("pk_wrong_bin", { got: found.code, bin: ln.from_location }), "bad");
            return null;
          }
          ln.bin = code;
          flow.render();
          return null;
        }
        if (isPiece(found) && !ln.bin) {
          prompt(t("pk_go", { bin: ln.from_location }), "bad");
          return null;
        }
        if (isPiece(found)) { return flow.piece(ln, found, code); }
        return otherwise(found, code, "not_piece");
      });
    };
    flow.piece = function (ln, found, code) {
      if (found.sku !== ln.sku || (ln.lot && found.lot !== ln.lot)) {
        prompt(t("pk_wrong_piece", { code: found.code, sku: found.sku, lot: found.lot, want: ln.sku,
                                     want_lot: ln.lot || "" }), "bad");
        return null;
      }
      if (ln.serials.some(function (s) { return s.code === found.code; })) {
        prompt(t("already", { code: found.code }), "bad");
        return null;
      }
      ln.serials.push({ code: found.code, scan: code, grams: flow.grams() });
      if (ln.serials.length >= flow.left(ln)) { flow.confirm(ln, ln.serials.length); return null; }
      flow.render();
      return null;
    };
    /* The bin's label as scanned proves presence, as the check digits a headset user reads. */
    flow.proof = function (ln) { return { location: ln.bin }; };
    flow.confirm = function (ln, qty) {
      var body = Object.assign({ quantity: qty,
                                 serials: ln.serials.map(function (s) { return s.scan; }) },
                               flow.proof(ln), flow.weights(ln));
      var what = { n: qty, sku: ln.sku, bin: ln.from_location };
      post("pick", "/api/picks/" + ln.id + "/confirm", body, t("pk_what", what), what);
      flow.finish(ln);
    };
    flow.finish = function (ln) {
      flow.done.push(ln);
      flow.order.shift();
      flow.render();
    };
    flow.short = function (ln) {
      var found = ln.serialised ? ln.serials.length
        : parseInt((document.getElementById("hh-qty") || {}).value || "0", 10) || 0;
      var body = Object.assign({ found_quantity: found,
                                 serials: ln.serials.map(function (s) { return s.scan; }) },
                               flow.proof(ln), flow.weights(ln));
      var what = { n: found, sku: ln.sku, bin: ln.from_location };
      post("short", "/api/picks/" + ln.id + "/short", body, t("pk_short_what", what), what);
      flow.finish(ln);
    };
    flow.act = function (action) {
      var ln = flow.line();
      if (action.indexOf("list:") === 0) {
        var number = action.slice(5);
        flow.take(flow.lists.filter(function (l) { return l.number === number; })[0]);
      } else if (action === "others") { flow.start(); }
      else if (action === "confirm" && ln) {
        var qty = parseInt((document.getElementById("hh-qty") || {}).value || "0", 10) || 0;
        if (qty >= flow.left(ln)) { flow.confirm(ln, flow.left(ln)); }
        else { flow.short(ln); }
      } else if (action === "scale") { flow.readScale(); }
      else if (action === "short" && ln) {
        if (!ln.bin) { prompt(t("pk_go", { bin: ln.from_location }), "bad"); return; }
        flow.short(ln);
      }
      else if (action === "skip" && ln) {
        var what = { sku: ln.sku, bin: ln.from_location };
        post("skip", "/api/picks/" + ln.id + "/skip", undefined, t("pk_skip_what", what), what);
        flow.order.push(Object.assign(flow.order.shift(), { bin: null, serials: [] }));
        flow.render();
      } else if (action === "undo") {
        var last = flow.done.pop();
        if (!last) { prompt(t("pk_nothing_undo"), "bad"); return; }
        var undo = { sku: last.sku, bin: last.from_location };
        post("undo", "/api/picks/" + last.id + "/undo", undefined,
             t("pk_undo_what", undo), undo);
        flow.order.unshift(Object.assign(last, { bin: null, serials: [] }));
        flow.render();
      }
    };
    flow.posted = function (item, result) {
      var c = item.context;
      var done = { pick: "pk_done", short: "pk_short_done", skip: "pk_skipped", undo: "pk_undone" };
      log(t(done[item.kind] || "all_sent", c), "ok");
      var fresh = result && result.line;
      flow.order.forEach(function (ln) {
        if (fresh && ln.id === fresh.id) {
          ln.done_quantity = fresh.done_quantity;
          ln.short_quantity = fresh.short_quantity;
        }
      });
      if (result && result.pick_list_status === "done" && flow.list) {
        log(t("pk_finished", { list: flow.list.number }), "ok");
      }
      flow.render();
    };
    flow.refused = function () {
      // The server knows best what is left: take the list again as it stands.
      if (!flow.list) { return; }
      get("/api/picklists/" + encodeURIComponent(flow.list.number)).then(function (answer) {
        if (answer.status === 200) { flow.done = []; flow.take(answer.body); }
      });
    };
    return flow;
  }

  /* Blind count: scan a bin (a count of it opens), or the number of a count opened for you
   * (then each of its bins in turn); scan every piece in the bin, or paste an RFID reader's
   * EPC list; type the quantity of unserialised stock; submit. The server sorts the pieces
   * into the count's lines (POST /api/counts/{n}/submit with bins as scanned). */
  function countFlow() {
    var flow = {};
    flow.start = function () {
      flow.count = null; flow.lines = []; flow.bins = {}; flow.here = null; flow.opening = null;
      flow.render();
    };
    flow.render = function () {
      if (!flow.count) {
        prompt(flow.opening ? t("ct_opening", { bin: flow.opening }) : t("ct_scan_bin"));
        fill("hh-work", []);
        fill("hh-actions", []);
        return;
      }
      var doc = flow.count.number;
      prompt(flow.here ? t("ct_scan", { doc: doc, bin: flow.here })
        : t("ct_which_bin", { doc: doc, bins: flow.count.locations.join(", ") }));
      var pieces = flow.here ? flow.bins[flow.here].pieces : [];
      var epcs = flow.here ? flow.bins[flow.here].epcs : [];
      fill("hh-work", [
        el("ul", { className: "hh-list", id: "hh-lines" }, flow.lines.map(flow.row)),
        el("p", { className: "hh-count", id: "hh-found",
                  text: t("scanned", { n: pieces.length + epcs.length }) }),
        el("ul", { className: "hh-list", id: "hh-pieces" }, pieces.map(function (p) {
          return el("li", { "data-serial": p.code, text: p.code + " · " + p.sku + " · " + p.lot });
        }).concat(epcs.map(function (epc) { return el("li", { "data-epc": epc, text: epc }); }))),
        flow.here ? el("label", { className: "hh-field" }, [t("ct_epcs"),
          el("textarea", { id: "hh-epcs", rows: "3", autocomplete: "off", spellcheck: "false" })])
          : null
      ]);
      fill("hh-actions", [
        button(t("ct_submit"), "submit", { className: "hh-btn primary", id: "hh-submit" }),
        flow.here ? button(t("ct_add_epcs"), "epcs", { id: "hh-add-epcs" }) : null,
        button(t("clear"), "clear")]);
    };
    /* A line of the count: what to look for where, and how many were scanned for it. */
    flow.row = function (ln) {
      var parts = [el("strong", { text: ln.sku + " · " + (ln.lot || "") }),
                   el("span", { className: "hh-meta", text: ln.location })];
      if (ln.serialised) {
        var bin = flow.bins[ln.location];
        var n = bin ? bin.pieces.filter(function (p) {
          return p.sku === ln.sku && p.lot === ln.lot;
        }).length : 0;
        parts.push(el("span", { className: "hh-count", text: t("scanned", { n: n }) }));
      } else {
        parts.push(quantity(ln, ln.qty === null ? "" : String(ln.qty)));
      }
      return el("li", { className: "hh-line" + (ln.location === flow.here ? " active" : ""),
                        "data-line": String(ln.line_no) }, parts);
    };
    flow.scan = function (code) {
      if (flow.opening) { return "offline"; }  // waits until the count is open
      return resolve(code).then(function (found) {
        if (isLocation(found) && flow.count) { return flow.enter(found, code); }
        if (isLocation(found)) { return flow.open(found, code); }
        if (isPiece(found) && flow.here) { return flow.piece(found, code); }
        if (isPiece(found)) {  // a bin first: the prompt says which
          flow.render();
          document.getElementById("hh-prompt").className = "hh-prompt bad";
          return null;
        }
        if (found.kind === "unknown" && !flow.count) { return flow.resume(code); }
        return otherwise(found, code, flow.count ? "not_piece" : "not_location");
      });
    };
    flow.open = function (found, code) {
      flow.opening = found.code;
      flow.first = { code: found.code, scan: code };
      var me = (auth() || {}).username || null;
      post("count-open", "/api/counts", { locations: [code], assignee: me },
           t("ct_opening", { bin: found.code }), { bin: found.code });
      flow.render();
      return null;
    };
    /* A count opened in the office (or here, earlier), by its number. */
    flow.resume = function (number) {
      return get("/api/counts/" + encodeURIComponent(number)).then(function (answer) {
        if (answer.status === 0) { return "offline"; }
        if (answer.status !== 200) { prompt(t("unknown", { code: number }), "bad"); return null; }
        return flow.show(answer.body);
      });
    };
    flow.show = function (count) {
      if (count.status !== "open" && count.status !== "recount") {
        prompt(t("ct_done", { doc: count.number, status: count.status }), "bad");
        return null;
      }
      var open = count.lines.filter(function (ln) { return ln.status === "open"; });
      return skusOf(open).then(function (skus) {
        flow.count = count;
        flow.lines = open.map(function (ln, i) {
          return { line_no: ln.line_no, sku: ln.sku, lot: ln.lot, location: ln.location,
                   serialised: skus[i].serialised !== false, qty: null };
        });
        flow.render();
        return null;
      });
    };
    flow.enter = function (found, code) {
      if (flow.count.locations.indexOf(found.code) < 0) {
        prompt(t("ct_other_bin", { doc: flow.count.number }), "bad");
        return null;
      }
      flow.here = found.code;
      flow.bins[found.code] = flow.bins[found.code] || { scan: code, pieces: [], epcs: [] };
      flow.render();
      return null;
    };
    flow.piece = function (found, code) {
      var seen = Object.keys(flow.bins).some(function (bin) {
        return flow.bins[bin].pieces.some(function (p) { return p.code === found.code; });
      });
      if (seen) { prompt(t("already", { code: found.code }), "bad"); return null; }
      flow.bins[flow.here].pieces.push({ code: found.code, scan: code, sku: found.sku,
                                         lot: found.lot });
      flow.render();
      return null;
    };
    flow.posted = function (item, body) {
      if (item.kind !== "count-open") {
        log(t("ct_done", { doc: body.number, status: body.status }), "ok");
        flow.start();
        return;
      }
      var first = flow.first;
      flow.opening = null;
      Promise.resolve(flow.show(body)).then(function () {
        if (first && flow.count) { flow.enter(first, first.scan); }
      });
    };
    flow.refused = function (item) {
      if (item.kind === "count-open") { flow.opening = null; flow.render(); }
    };
    flow.submit = function () {
      var bins = Object.keys(flow.bins).map(function (code) {
        var bin = flow.bins[code];
        return { location: bin.scan, pieces: bin.pieces.map(function (p) { return p.scan; })
                                                        .concat(bin.epcs) };
      });
      var lines = flow.lines.filter(function (ln) { return !ln.serialised; }).map(function (ln) {
        return { line_no: ln.line_no, counted: ln.qty || 0 };
      });
      var doc = flow.count.number;
      post("count", "/api/counts/" + encodeURIComponent(doc) + "/submit",
           { bins: bins, lines: lines }, t("ct_what", { doc: doc }), { doc: doc });
      flow.start();
    };
    flow.act = function (action) {
      if (action === "submit" && flow.count) { flow.submit(); }
      else if (action === "clear") { flow.start(); }
      else if (action === "epcs" && flow.here) {
        var box = document.getElementById("hh-epcs"), bin = flow.bins[flow.here];
        (box ? box.value : "").split(/[\s,;]+/).forEach(function (epc) {
          if (epc && bin.epcs.indexOf(epc) < 0) { bin.epcs.push(epc); }
        });
        flow.render();
      }
    };
    flow.start();
    return flow;
  }

  /* Sign on to a zone (cameras then treat you as expected there), or off. */
  function signOnFlow() {
    var flow = { zones: [], mine: [] };
    flow.start = function () {
      prompt(t("so_scan"));
      var zones = get("/api/locations?tier=zone&limit=200"), present = get("/api/presence");
      Promise.all([zones, present]).then(function (a) {
        var me = (auth() || {}).username;
        flow.zones = (a[0].status === 200 ? a[0].body.items : []).map(function (z) {
          return z.code;
        });
        flow.mine = (a[1].status === 200 ? a[1].body.items : []).filter(function (p) {
          return p.username === me;
        }).map(function (p) { return p.zone; });
        flow.render();
      });
    };
    flow.render = function () {
      var rows = flow.zones.map(function (zone) {
        var inside = flow.mine.indexOf(zone) >= 0;
        return el("li", { className: "hh-line" + (inside ? " active" : ""), "data-zone": zone }, [
          el("strong", { text: zone }),
          button(t(inside ? "so_off" : "so_on"), (inside ? "off:" : "on:") + zone)]);
      });
      var where = flow.mine.length ? t("so_in", { zones: flow.mine.join(", ") }) : t("so_none");
      fill("hh-work", [el("p", { id: "hh-zones-mine", text: where }),
                       el("ul", { className: "hh-list" }, rows)]);
      fill("hh-actions", []);
    };
    /* ``zone`` as shown; ``scan``, the label as scanned, is what is posted when there is one. */
    flow.sign = function (zone, on, scan) {
      var what = { zone: zone };
      post(on ? "sign-on" : "sign-off", on ? "/api/presence/sign-on" : "/api/presence/sign-off",
           { zone: scan || zone }, t(on ? "so_on_what" : "so_off_what", what), what);
    };
    flow.scan = function (code) {
      return resolve(code).then(function (found) {
        // A zone's own label signs on to it; a bin's, to the zone the bin lies in.
        if (isLocation(found)) {
          if (found.tier === "zone") { flow.sign(found.code, true, code); }
          else { flow.sign(found.zone || found.code, true); }
          return null;
        }
        return otherwise(found, code, "not_location");
      });
    };
    flow.act = function (action) {
      if (action.indexOf("on:") === 0) { flow.sign(action.slice(3), true); }
      if (action.indexOf("off:") === 0) { flow.sign(action.slice(4), false); }
    };
    flow.posted = function (item) {
      log(t(item.kind === "sign-on" ? "so_on_done" : "so_off_done", item.context), "ok");
      flow.start();
    };
    return flow;
  }

  var FLOWS = {
    putaway: function () {
      return moveFlow({ kind: "putaway", path: "/api/putaways", first: "pa_scan_piece",
                        more: "pa_scan_bin", what: "pa_what", done: "pa_done",
                        suggest: suggestBins });
    },
    transfer: function () {
      return moveFlow({ kind: "transfer", path: "/api/transfers", first: "tr_scan_piece",
                        more: "tr_scan_bin", what: "tr_what", done: "tr_done" });
    },
    receive: receiveFlow,
    pick: pickFlow,
    count: countFlow,
    "sign-on": signOnFlow,
    menu: function () { return { start: function () {}, scan: function () { return null; } }; }
  };

  /* ---- attaching to the page -------------------------------------------------------------- */

  function attach(root) {
    hh.root = root;
    hh.flow = null;
    hh.scans = [];
    if (!root) { return; }
    try { hh.text = JSON.parse(root.getAttribute("data-hh-text") || "{}"); }
    catch (err) { hh.text = {}; }
    hh.page = root.getAttribute("data-hh-page");
    makeScanField();
    var make = FLOWS[hh.page];
    hh.flow = make ? make() : null;
    if (hh.flow) { hh.flow.start(); }
    showStatus();
    showLog();
  }

  setInterval(function () {
    var root = document.getElementById("hh-root");
    if (root !== hh.root) { attach(root); }
  }, 200);

  document.addEventListener("click", function (e) {
    if (!hh.root || !hh.root.contains(e.target)) { return; }
    if (/^(INPUT|TEXTAREA|SELECT|OPTION)$/.test(e.target.tagName)) { return; }  // typing there
    var target = e.target.closest ? e.target.closest("[data-hh-act]") : null;
    if (target && hh.flow && hh.flow.act) {
      pressed(target.getAttribute("data-hh-act"), target);
    }
    setTimeout(focusScan, 0);
  });
  document.addEventListener("focusout", function () { setTimeout(focusScan, 150); });
  window.addEventListener("online", function () { hh.offline = false; hh.retryMs = 1000; kick(); });
  window.addEventListener("offline", function () { hh.offline = true; showStatus(); });
  window.addEventListener("storage", function (e) { if (e.key === OUTBOX) { showStatus(); } });
  // The outbox is sent from any page once someone is signed in (a reload keeps it).
  setInterval(function () { if (auth() && mine(outbox()).length && !hh.timer) { send(); } }, 5000);

  window.facetHandheld = { state: hh, outbox: outbox, scan: scanned };
})();
