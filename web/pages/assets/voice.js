/* Facet voice console: the picking dialogue and the voice training in the browser.
 *
 * The microphone is captured with Web Audio (an AudioWorklet, or a ScriptProcessor where
 * worklets are missing), mixed to mono, decimated to the headset band chosen (16 kHz, or 8 kHz
 * behind a low-pass filter), converted to 16-bit little-endian PCM and streamed to
 * /ws/voice?ticket=...&rate=... (a ticket from POST /api/ws-ticket) in 100 ms frames. The server answers with JSON:
 * partial/final transcripts, the command it understood and the next prompt with its speech as
 * a base64 WAV, which is played here; a "profile" message says the dialogue now decodes with
 * the picker's trained voice. While a prompt plays the microphone is muted (half duplex):
 * without a headset the loudspeaker would otherwise answer itself.
 *
 * "Train my voice" streams the same capture to /ws/voice/enrol instead: it shows each phrase
 * to say (and plays it, one prompt after another), how each take was heard, and the stored
 * profile at the end (enrol-prompt / enrol-heard / enrol-adapting / enrol-done messages).
 * Only one of the two runs at a time.
 *
 * The page is rendered by Dash (web/pages/voice.py); this file only fills elements Dash left
 * empty, so React never finds its nodes changed. window.facetVoice exposes the state. Every
 * word it shows comes from the page (#vc-text-catalogue, drawn in the person's language by
 * voice.py's JS_TEXT): t(key, values) looks one up and fills its {placeholders}. */
(function () {
  "use strict";
  var FRAME_MS = 100;  // audio per websocket frame
  var WORDS = {
    en: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    zh: ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
  };
  var SAY_ZH = { "repeat": "重复", "skip slot": "跳过", "short": "缺货", "undo": "撤销",
                 "ready": "好了", "sign off": "签退" };
  var CONTROLS = ["vc-mic", "vc-repeat", "vc-skip", "vc-short", "vc-undo", "vc-ready",
                  "vc-signoff", "vc-text", "vc-send", "vc-scan", "vc-scan-go"];
  var S = { ws: null, enrol: null, ctx: null, stream: null, source: null, node: null,
            sink: null, filters: [], worklet: null, mic: false, speaking: false, player: null,
            queue: [], decoding: false, gen: 0, prompt: null, zh: false, pos: 0, acc: 0,
            cnt: 0, out: [], prompts: 0, sent: 0, mode: "", rate: 16000, adapted: false };

  function $(id) { return document.getElementById(id); }

  var TEXT = null;  // the page's words, read once per voice page
  function t(key, values) {
    var box = $("vc-text-catalogue");
    if (!TEXT || (box && box.dataset.text !== TEXT.raw)) {
      var raw = box ? box.dataset.text || "{}" : "{}";
      try { TEXT = { raw: raw, words: JSON.parse(raw) }; } catch (err) { TEXT = { raw: raw, words: {} }; }
    }
    var text = TEXT.words[key] !== undefined ? TEXT.words[key] : key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  /* The page's word for a server code (a dialogue state...), else the code made readable. */
  function known(key, code) {
    var text = t(key);
    return text === key ? String(code || "").replace(/_/g, " ") : text;
  }
  function setText(id, text) { var el = $(id); if (el) { el.textContent = text || ""; } }

  function token() {
    try {
      var auth = JSON.parse(window.sessionStorage.getItem("auth") || "null");
      return auth && auth.token ? auth.token : null;
    } catch (err) { return null; }
  }

  function status(text, kind) {
    var el = $("vc-status");
    if (!el) { return; }
    el.textContent = text;
    el.className = "vc-status " + (kind || "");
  }

  function log(kind, text) {
    var list = $("vc-log");
    if (!list || !text) { return; }
    var item = document.createElement("li");
    item.className = "vc-log-" + kind;
    var tag = document.createElement("span");
    tag.className = "vc-tag";
    tag.textContent = t("tag_" + kind);
    item.appendChild(tag);
    item.appendChild(document.createTextNode(" " + text));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 60) { list.removeChild(list.lastChild); }
  }

  /* The headset band chosen on the page: 16000 or 8000 (Hz). */
  function band() {
    var checked = document.querySelector("#vc-band input:checked");
    return checked && +checked.value === 8000 ? 8000 : 16000;
  }

  /* Where microphone audio goes: the voice training while it runs, else the dialogue. */
  function target() { return S.enrol || S.ws; }

  function labels() {
    setText("vc-start", S.ws ? t("stop") : t("start"));
    setText("vt-start", S.enrol ? t("cancelTrain") : t("train"));
    setText("vc-mic", S.mic ? t("micOn") : t("micOff"));
    var mic = $("vc-mic");
    if (mic) { mic.classList.toggle("on", S.mic); }
  }

  function enable(on) {
    CONTROLS.forEach(function (id) { var el = $(id); if (el) { el.disabled = !on; } });
    labels();
  }

  function refreshList() {
    if (window.dash_clientside && window.dash_clientside.set_props && $("vc-refresh")) {
      window.dash_clientside.set_props("vc-refresh", { data: Date.now() });
    }
  }

  /* ---- output: prompts spoken ------------------------------------------------------ */

  function audioContext() {
    if (!S.ctx) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return null; }
      S.ctx = new Ctx();
    }
    if (S.ctx.state === "suspended") { S.ctx.resume().catch(function () { /* no device */ }); }
    return S.ctx;
  }

  function speaking(on) {
    S.speaking = on;
    var speaker = S.enrol ? "vt-phrase" : "vc-prompt";
    ["vc-prompt", "vt-phrase"].forEach(function (id) {
      var box = $(id);
      if (box) { box.classList.toggle("speaking", on && id === speaker); }
    });
    if (on) { S.acc = 0; S.cnt = 0; S.out = []; }
  }

  function stopPlayback() {
    S.gen += 1;  // a WAV still being decoded is not played
    S.queue = [];
    S.decoding = false;
    if (S.player) { try { S.player.stop(); } catch (err) { /* already ended */ } }
    S.player = null;
    speaking(false);
  }

  function speakPrompts() {
    var box = document.querySelector("#vc-speak input");
    return !box || box.checked;
  }

  /* Play a prompt's WAV: at once (cutting off the one playing), or `queued` after it. */
  function play(b64, queued) {
    if (queued && (S.player || S.decoding)) {
      if (b64) { S.queue.push(b64); }
      return;
    }
    if (!queued) { stopPlayback(); }
    playNow(b64);
  }

  function playNext() {
    var next = S.queue.shift();
    if (next) { playNow(next); } else { speaking(false); }
  }

  function playNow(b64) {
    var ctx = b64 && speakPrompts() ? audioContext() : null;
    if (!ctx) { return; }
    var bin = window.atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var gen = S.gen;
    speaking(true);
    S.decoding = true;
    ctx.decodeAudioData(bytes.buffer).then(function (audio) {
      if (gen !== S.gen) { return; }
      S.decoding = false;
      var src = ctx.createBufferSource();
      src.buffer = audio;
      src.connect(ctx.destination);
      src.onended = function () { if (S.player === src) { S.player = null; playNext(); } };
      S.player = src;
      src.start();
    }).catch(function () { if (gen === S.gen) { S.decoding = false; playNext(); } });
  }

  /* ---- input: microphone to 16 or 8 kHz PCM ------------------------------------------ */

  function meter(samples) {
    var sum = 0;
    for (var i = 0; i < samples.length; i++) { sum += samples[i] * samples[i]; }
    var bar = $("vc-level-bar");
    if (bar) { bar.style.width = Math.min(100, Math.sqrt(sum / samples.length) * 400) + "%"; }
  }

  function flushFrames(all) {
    var frame = S.rate * FRAME_MS / 1000, ws = target();
    while (S.out.length >= frame || (all && S.out.length)) {
      var n = Math.min(frame, S.out.length), pcm = new Int16Array(n);
      for (var i = 0; i < n; i++) { pcm[i] = S.out[i]; }
      S.out = S.out.slice(n);
      if (ws && ws.readyState === 1) { ws.send(pcm.buffer); S.sent += n; }
    }
  }

  /* Box-filter decimation: average the input samples that fall in each 1/rate s slot. */
  function onSamples(samples) {
    if (!S.mic) { return; }
    meter(samples);
    var ws = target();
    if (S.speaking || !ws || ws.readyState !== 1) { return; }
    var ratio = S.ctx.sampleRate / S.rate;
    for (var i = 0; i < samples.length; i++) {
      S.acc += samples[i]; S.cnt += 1; S.pos += 1;
      if (S.pos >= ratio) {
        S.pos -= ratio;
        var v = Math.max(-1, Math.min(1, S.acc / S.cnt));
        S.out.push(v < 0 ? Math.round(v * 32768) : Math.round(v * 32767));
        S.acc = 0; S.cnt = 0;
      }
    }
    flushFrames(false);
  }

  var WORKLET = [
    "class FacetTap extends AudioWorkletProcessor {",
    "  constructor() { super(); this.buf = new Float32Array(2048); this.n = 0; }",
    "  process(inputs) {",
    "    var input = inputs[0];",
    "    if (input && input.length) {",
    "      var len = input[0].length, chans = input.length;",
    "      for (var i = 0; i < len; i++) {",
    "        var s = 0; for (var c = 0; c < chans; c++) { s += input[c][i]; }",
    "        this.buf[this.n++] = s / chans;",
    "        if (this.n === this.buf.length) { this.port.postMessage(this.buf.slice(0)); this.n = 0; }",
    "      }",
    "    }",
    "    return true;",
    "  }",
    "}",
    "registerProcessor('facet-tap', FacetTap);"
  ].join("\n");

  /* For 8 kHz a box filter lets too much of 4-8 kHz fold back into the band: two
   * Butterworth sections (24 dB/octave) at 0.45 of the new rate go first. */
  function lowPass(ctx, source) {
    S.filters = [];
    if (S.rate >= 16000 || !ctx.createBiquadFilter) { return source; }
    var last = source;
    for (var i = 0; i < 2; i++) {
      var f = ctx.createBiquadFilter();
      f.type = "lowpass"; f.frequency.value = 0.45 * S.rate; f.Q.value = i ? 1.307 : 0.541;
      last.connect(f);
      S.filters.push(f);
      last = f;
    }
    return last;
  }

  function tap(ctx, input) {
    var source = lowPass(ctx, input);
    S.sink = ctx.createGain();
    S.sink.gain.value = 0;  // keeps the tap pulled by the graph without playing the mic back
    S.sink.connect(ctx.destination);
    if (ctx.audioWorklet && window.AudioWorkletNode) {
      if (!S.worklet) {
        var url = URL.createObjectURL(new Blob([WORKLET], { type: "application/javascript" }));
        S.worklet = ctx.audioWorklet.addModule(url);
      }
      return S.worklet.then(function () {
        var node = new AudioWorkletNode(ctx, "facet-tap");
        node.port.onmessage = function (e) { onSamples(e.data); };
        source.connect(node); node.connect(S.sink);
        S.node = node; S.mode = "worklet";
      });
    }
    var proc = ctx.createScriptProcessor(4096, 1, 1);
    proc.onaudioprocess = function (e) { onSamples(e.inputBuffer.getChannelData(0)); };
    source.connect(proc); proc.connect(S.sink);
    S.node = proc; S.mode = "script";
    return Promise.resolve();
  }

  function micOn() {
    var ctx = audioContext(), report = S.enrol ? trainStatus : status;
    if (!ctx || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      report(t("noMic"), "error");
      return;
    }
    navigator.mediaDevices.getUserMedia({
      // Raw audio: the recogniser is trained on unprocessed speech, and browser noise
      // suppression smears short words; the half duplex above stands in for echo cancelling.
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false,
               autoGainControl: false }
    }).then(function (stream) {
      S.stream = stream;
      S.source = ctx.createMediaStreamSource(stream);
      S.pos = 0; S.acc = 0; S.cnt = 0; S.out = [];
      return tap(ctx, S.source);
    }).then(function () {
      S.mic = true;
      if (!target()) { micOff(); return; }  // stopped while the browser asked for the mic
      labels();
      if (!S.enrol) { status(t("listening"), "live"); }
    }).catch(function (err) {
      micOff();
      report(t("micRefused", { reason: err && err.name ? err.name : err }), "error");
    });
  }

  function micOff() {
    var was = S.mic;
    S.mic = false;
    if (S.node) { try { S.node.disconnect(); } catch (err) { /* gone */ } S.node = null; }
    if (S.source) { try { S.source.disconnect(); } catch (err) { /* gone */ } S.source = null; }
    if (S.sink) { try { S.sink.disconnect(); } catch (err) { /* gone */ } S.sink = null; }
    S.filters.forEach(function (f) { try { f.disconnect(); } catch (err) { /* gone */ } });
    S.filters = [];
    if (S.stream) { S.stream.getTracks().forEach(function (track) { track.stop(); }); S.stream = null; }
    var ws = target();
    if (was && ws && ws.readyState === 1) {
      flushFrames(true);
      ws.send(JSON.stringify({ type: "flush" }));  // end the utterance that was cut off
    }
    var bar = $("vc-level-bar");
    if (bar) { bar.style.width = "0"; }
    if (was && S.ws) { status(t("connected"), "live"); }
    labels();
  }

  /* ---- the dialogue ------------------------------------------------------------------ */

  function onMessage(e) {
    var msg;
    try { msg = JSON.parse(e.data); } catch (err) { return; }
    if (msg.type === "partial") {
      setText("vc-partial", msg.text);
    } else if (msg.type === "final") {
      setText("vc-partial", "");
      setText("vc-final", msg.text || t("nothing"));
      log("heard", msg.text);
    } else if (msg.type === "command") {
      var shown = msg.kind + (msg.value !== null && msg.value !== undefined ? " " + msg.value : "");
      setText("vc-command", shown);
      var cmd = $("vc-command");
      if (cmd) { cmd.dataset.kind = msg.kind; }
      log("command", shown + (msg.text ? " ← “" + msg.text + "”" : ""));
    } else if (msg.type === "prompt") {
      S.prompt = msg;
      S.prompts += 1;
      S.zh = /[\u3400-\u9fff]/.test(msg.text || "");
      setText("vc-prompt", msg.text);
      var box = $("vc-prompt");
      if (box) { box.dataset.state = msg.state; box.dataset.count = String(S.prompts); }
      setText("vc-state", t("expects", { state: known("state_" + msg.state, msg.state),
                                         expect: known("expect_" + msg.expect, msg.expect) }));
      log("prompt", msg.text);
      play(msg.audio);
      refreshList();
    } else if (msg.type === "error") {
      status(msg.message + " (" + msg.code + ")", "error");
      log("error", msg.message + " (" + msg.code + ")");
    } else if (msg.type === "profile") {
      S.adapted = !!msg.adapted;
      showProfile();
      if (S.adapted) { log("profile", t("trainedLog")); }
    } else if (msg.type === "end") {
      log("end", t("signedOff"));
    }
  }

  function showProfile() {
    setText("vc-profile", S.adapted ? t("trainedVoice") : "");
    var el = $("vc-profile");
    if (el) { el.dataset.adapted = S.adapted ? "true" : "false"; }
  }

  /* A websocket never carries the bearer token in its URL (access logs keep URLs): ask for a
   * single-use ticket (valid 30 s) and open the socket with it. `then(url)` runs on success;
   * `failed(message)` when the ticket is refused (signed out, password change pending). */
  function withTicket(path, bearer, then, failed) {
    fetch("/api/ws-ticket", { method: "POST", headers: { Authorization: "Bearer " + bearer } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { throw new Error((body.error && body.error.message) || "refused"); }
          return body.ticket;
        });
      })
      .then(function (ticket) {
        var proto = window.location.protocol === "https:" ? "wss://" : "ws://";
        then(proto + window.location.host + path + "?ticket=" + encodeURIComponent(ticket) +
             "&rate=" + S.rate);
      })
      .catch(function (err) { failed(t("refused", { reason: err.message })); });
  }

  function start() {
    var bearer = token();
    if (!bearer) { status(t("signInFirst"), "error"); return; }
    if (S.enrol) { trainStop(); }
    audioContext();  // created inside the click, the gesture browsers want before audio plays
    S.rate = band();
    status(t("connecting"));
    withTicket("/ws/voice", bearer, dialogue, function (message) { status(message, "error"); });
  }

  function dialogue(url) {
    var ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    S.ws = ws; S.prompts = 0; S.adapted = false;
    showProfile();
    labels();
    ws.onopen = function () {
      if (S.ws === ws) { enable(true); status(t("connectedAt", { khz: S.rate / 1000 }), "live"); }
    };
    ws.onmessage = onMessage;
    ws.onerror = function () { /* onclose says why */ };
    ws.onclose = function (e) {
      if (S.ws !== ws) { return; }
      S.ws = null;
      micOff();
      stopPlayback();
      enable(false);
      status(e.code === 1008 ? t("pickingRole") :
             e.code === 1000 ? t("ended") : t("disconnected", { code: e.code }),
             e.code === 1000 ? "" : "error");
      refreshList();
    };
  }

  function stop() {
    var ws = S.ws;
    S.ws = null;
    micOff();
    stopPlayback();
    if (ws) { ws.close(1000); }
    enable(false);
    status(t("stopped"));
  }

  function spoken(text) {
    var words = S.zh ? WORDS.zh : WORDS.en;
    return text.replace(/\d/g, function (d) { return " " + words[+d] + " "; })
      .replace(/\s+/g, " ").trim();
  }

  function send(obj) {
    if (!S.ws || S.ws.readyState !== 1) { status(t("startFirst"), "error"); return; }
    stopPlayback();
    S.ws.send(JSON.stringify(obj));
  }

  function clearInput(id) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, { value: "" });
    }
    var el = $(id);
    if (el) { el.value = ""; el.focus(); }
  }

  function sayTyped() {
    var el = $("vc-text"), text = el ? el.value.trim() : "";
    if (!text) { return; }
    send({ type: "text", text: spoken(text) });
    clearInput("vc-text");
  }

  function scan() {
    var el = $("vc-scan"), code = el ? el.value.trim() : "";
    if (!code) { return; }
    send({ type: "scan", code: code });
    clearInput("vc-scan");
  }

  /* ---- voice training ---------------------------------------------------------------- */

  function trainStatus(text, kind) {
    var el = $("vt-status");
    if (!el) { return; }
    el.textContent = text;
    el.className = "vc-status " + (kind || "");
  }

  function trainControls(on) {
    var skip = $("vt-skip");
    if (skip) { skip.disabled = !on; }
    labels();
  }

  function percent(share) {
    return typeof share === "number" ? Math.round(share * 100) + "%" : null;
  }

  function showResult(msg) {
    var box = $("vt-result"), profile = msg.profile || {}, details = profile.details || {};
    if (!box) { return; }
    box.textContent = "";
    var rows = [[t("takesUsed"), t("takesOf", { n: profile.utterances || msg.index,
                                                total: msg.total })]];
    var before = percent(details.understood_before), after = percent(details.understood_after);
    if (before !== null && after !== null) {
      rows.push([t("understood"), before + " → " + after]);
    }
    rows.push([t("engine"), profile.engine + " · " + profile.sample_rate / 1000 + " kHz"]);
    var list = document.createElement("dl");
    rows.forEach(function (row) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = row[0]; dd.textContent = row[1];
      list.appendChild(dt); list.appendChild(dd);
    });
    box.appendChild(list);
    box.dataset.profile = String(profile.id);
  }

  function showHeard(msg) {
    var el = $("vt-heard");
    if (!el) { return; }
    var skipped = !msg.ok && msg.text === "skipped";
    el.textContent = skipped ? t("skipped", { phrase: msg.phrase }) :
      t(msg.ok ? "heardOk" : "heardAgain", { text: msg.text || t("nothingHeard") });
    el.className = "vt-heard " + (msg.ok ? "ok" : skipped ? "skipped" : "again");
    el.dataset.ok = msg.ok ? "true" : "false";
    log("heard", el.textContent);
  }

  function onTrainMessage(e) {
    var msg;
    try { msg = JSON.parse(e.data); } catch (err) { return; }
    var phrase = $("vt-phrase");
    if (msg.type === "enrol-prompt") {
      setText("vt-phrase", msg.index ? msg.phrase : msg.text);
      if (phrase) { phrase.dataset.index = String(msg.index); }
      if (msg.index) { setText("vt-progress", t("takesOf", { n: msg.index, total: msg.total })); }
      log("prompt", msg.text);
      play(msg.audio, true);
    } else if (msg.type === "enrol-heard") {
      showHeard(msg);
    } else if (msg.type === "enrol-adapting") {
      micOff();
      trainControls(false);
      setText("vt-phrase", msg.text);
      if (phrase) { phrase.dataset.index = "adapting"; }
      trainStatus(t("learning"), "live");
      play(msg.audio, true);
    } else if (msg.type === "enrol-done") {
      S.trained = true;
      setText("vt-phrase", msg.text);
      if (phrase) { phrase.dataset.index = "done"; }
      showResult(msg);
      trainStatus(t("stored"), "live");
      log("end", msg.text);
      play(msg.audio, true);
    } else if (msg.type === "error") {
      S.trainError = true;
      trainStatus(msg.message + " (" + msg.code + ")", "error");
      log("error", msg.message + " (" + msg.code + ")");
    }
  }

  function trainStart() {
    var bearer = token();
    if (!bearer) { trainStatus(t("signInFirst"), "error"); return; }
    if (S.ws) { stop(); }
    audioContext();  // inside the click, as the dialogue does
    S.rate = band();
    trainStatus(t("connecting"));
    withTicket("/ws/voice/enrol", bearer, training, function (message) {
      trainStatus(message, "error");
    });
  }

  function training(url) {
    var ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    S.enrol = ws; S.trained = false; S.trainError = false;
    ["vt-phrase", "vt-progress", "vt-heard", "vt-result"].forEach(function (id) {
      setText(id, "");
    });
    labels();
    ws.onopen = function () {
      if (S.enrol !== ws) { return; }
      trainControls(true);
      trainStatus(t("sayEach", { khz: S.rate / 1000 }), "live");
      micOn();
    };
    ws.onmessage = onTrainMessage;
    ws.onerror = function () { /* onclose says why */ };
    ws.onclose = function (e) {
      if (S.enrol !== ws) { return; }
      S.enrol = null;
      micOff();
      trainControls(false);
      if (!S.trained && !S.trainError) {
        trainStatus(e.code === 1008 ? t("signInAgain") :
                    t("lostNothingStored", { code: e.code }), "error");
      }
    };
  }

  /* Cancel: the server stores nothing (it would not either if the socket just closed). */
  function trainStop() {
    var ws = S.enrol;
    S.enrol = null;
    micOff();
    stopPlayback();
    if (ws) {
      if (ws.readyState === 1) { ws.send(JSON.stringify({ type: "cancel" })); }
      ws.close(1000);
    }
    trainControls(false);
    trainStatus(t("cancelled"));
  }

  function trainSkip() {
    if (!S.enrol || S.enrol.readyState !== 1) { return; }
    stopPlayback();
    S.enrol.send(JSON.stringify({ type: "skip" }));
  }

  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("button") : null;
    if (!el || !document.getElementById("voice-page")) { return; }
    if (el.id === "vt-start") { if (S.enrol) { trainStop(); } else { trainStart(); } }
    else if (el.id === "vt-skip") { trainSkip(); }
    else if (el.id === "vc-start") { if (S.ws) { stop(); } else { start(); } }
    else if (el.id === "vc-mic") { if (S.mic) { micOff(); } else { micOn(); } }
    else if (el.id === "vc-send") { sayTyped(); }
    else if (el.id === "vc-scan-go") { scan(); }
    else if (el.dataset && el.dataset.say) {
      send({ type: "text", text: S.zh ? (SAY_ZH[el.dataset.say] || el.dataset.say) : el.dataset.say });
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !e.target) { return; }
    if (e.target.id === "vc-text") { sayTyped(); }
    else if (e.target.id === "vc-scan") { scan(); }
  });

  /* Leaving the page ends the dialogue (the picker's list stays theirs for next time). */
  setInterval(function () {
    if (!document.getElementById("voice-page")) {
      if (S.enrol) { trainStop(); }
      if (S.ws || S.mic) { stop(); }
      return;
    }
    if (!$("vc-start").textContent) { labels(); }
  }, 500);

  window.facetVoice = S;
})();
