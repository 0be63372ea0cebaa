/* Facet voice console: the picking dialogue in the browser.
 *
 * The microphone is captured with Web Audio (an AudioWorklet, or a ScriptProcessor where
 * worklets are missing), mixed to mono, decimated to 16 kHz, converted to 16-bit little-endian
 * PCM and streamed to /ws/voice?token=... in 100 ms frames. The server answers with JSON:
 * partial/final transcripts, the command it understood and the next prompt with its speech as
 * a base64 WAV, which is played here. While a prompt plays the microphone is muted (half
 * duplex): without a headset the loudspeaker would otherwise answer itself.
 *
 * The page is rendered by Dash (web/pages/voice.py); this file only fills elements Dash left
 * empty, so React never finds its nodes changed. window.facetVoice exposes the state. */
(function () {
  "use strict";
  var RATE = 16000, FRAME = 1600;  // 100 ms of 16 kHz samples per websocket frame
  var WORDS = {
    en: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    zh: ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
  };
  var SAY_ZH = { "repeat": "重复", "skip slot": "跳过", "short": "缺货", "undo": "撤销",
                 "ready": "好了", "sign off": "签退" };
  var CONTROLS = ["vc-mic", "vc-repeat", "vc-skip", "vc-short", "vc-undo", "vc-ready",
                  "vc-signoff", "vc-text", "vc-send", "vc-scan", "vc-scan-go"];
  var S = { ws: null, ctx: null, stream: null, source: null, node: null, sink: null,
            worklet: null, mic: false, speaking: false, player: null, prompt: null,
            zh: false, pos: 0, acc: 0, cnt: 0, out: [], prompts: 0, sent: 0, mode: "" };

  function $(id) { return document.getElementById(id); }
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
    tag.textContent = kind;
    item.appendChild(tag);
    item.appendChild(document.createTextNode(" " + text));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 60) { list.removeChild(list.lastChild); }
  }

  function labels() {
    setText("vc-start", S.ws ? "■ Stop dialogue" : "▶ Start dialogue");
    setText("vc-mic", S.mic ? "🎤 Microphone on" : "🎤 Microphone off");
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
    var box = $("vc-prompt");
    if (box) { box.classList.toggle("speaking", on); }
    if (on) { S.acc = 0; S.cnt = 0; S.out = []; }
  }

  function stopPlayback() {
    if (S.player) { try { S.player.stop(); } catch (err) { /* already ended */ } }
    S.player = null;
    speaking(false);
  }

  function speakPrompts() {
    var box = document.querySelector("#vc-speak input");
    return !box || box.checked;
  }

  function play(b64) {
    stopPlayback();
    var ctx = b64 && speakPrompts() ? audioContext() : null;
    if (!ctx) { return; }
    var bin = window.atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    speaking(true);
    ctx.decodeAudioData(bytes.buffer).then(function (audio) {
      var src = ctx.createBufferSource();
      src.buffer = audio;
      src.connect(ctx.destination);
      src.onended = function () { if (S.player === src) { S.player = null; speaking(false); } };
      S.player = src;
      src.start();
    }).catch(function () { speaking(false); });
  }

  /* ---- input: microphone to 16 kHz PCM ----------------------------------------------- */

  function meter(samples) {
    var sum = 0;
    for (var i = 0; i < samples.length; i++) { sum += samples[i] * samples[i]; }
    var bar = $("vc-level-bar");
    if (bar) { bar.style.width = Math.min(100, Math.sqrt(sum / samples.length) * 400) + "%"; }
  }

  function flushFrames(all) {
    while (S.out.length >= FRAME || (all && S.out.length)) {
      var n = Math.min(FRAME, S.out.length), pcm = new Int16Array(n);
      for (var i = 0; i < n; i++) { pcm[i] = S.out[i]; }
      S.out = S.out.slice(n);
      if (S.ws && S.ws.readyState === 1) { S.ws.send(pcm.buffer); S.sent += n; }
    }
  }

  /* Box-filter decimation: average the input samples that fall in each 1/16000 s slot. */
  function onSamples(samples) {
    if (!S.mic) { return; }
    meter(samples);
    if (S.speaking || !S.ws || S.ws.readyState !== 1) { return; }
    var ratio = S.ctx.sampleRate / RATE;
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

  function tap(ctx, source) {
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
    var ctx = audioContext();
    if (!ctx || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status("no microphone here (the page needs https or localhost)", "error");
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
      labels();
      status("listening", "live");
    }).catch(function (err) {
      micOff();
      status("microphone refused: " + (err && err.name ? err.name : err), "error");
    });
  }

  function micOff() {
    var was = S.mic;
    S.mic = false;
    if (S.node) { try { S.node.disconnect(); } catch (err) { /* gone */ } S.node = null; }
    if (S.source) { try { S.source.disconnect(); } catch (err) { /* gone */ } S.source = null; }
    if (S.sink) { try { S.sink.disconnect(); } catch (err) { /* gone */ } S.sink = null; }
    if (S.stream) { S.stream.getTracks().forEach(function (t) { t.stop(); }); S.stream = null; }
    if (was && S.ws && S.ws.readyState === 1) {
      flushFrames(true);
      S.ws.send(JSON.stringify({ type: "flush" }));  // end the utterance that was cut off
    }
    var bar = $("vc-level-bar");
    if (bar) { bar.style.width = "0"; }
    if (was && S.ws) { status("connected", "live"); }
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
      setText("vc-final", msg.text || "(nothing)");
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
      setText("vc-state", msg.state.replace(/_/g, " ") + " · expects " + msg.expect);
      log("prompt", msg.text);
      play(msg.audio);
      refreshList();
    } else if (msg.type === "error") {
      status(msg.message + " (" + msg.code + ")", "error");
      log("error", msg.message + " (" + msg.code + ")");
    } else if (msg.type === "end") {
      log("end", "signed off");
    }
  }

  function start() {
    var t = token();
    if (!t) { status("sign in first", "error"); return; }
    audioContext();  // created inside the click, the gesture browsers want before audio plays
    var proto = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + window.location.host + "/ws/voice?token=" +
                           encodeURIComponent(t));
    ws.binaryType = "arraybuffer";
    S.ws = ws; S.prompts = 0;
    status("connecting…");
    labels();
    ws.onopen = function () { if (S.ws === ws) { enable(true); status("connected", "live"); } };
    ws.onmessage = onMessage;
    ws.onerror = function () { /* onclose says why */ };
    ws.onclose = function (e) {
      if (S.ws !== ws) { return; }
      S.ws = null;
      micOff();
      stopPlayback();
      enable(false);
      status(e.code === 1008 ? "refused: a picking role is needed" :
             e.code === 1000 ? "dialogue ended" : "disconnected (" + e.code + ")",
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
    status("stopped");
  }

  function spoken(text) {
    var words = S.zh ? WORDS.zh : WORDS.en;
    return text.replace(/\d/g, function (d) { return " " + words[+d] + " "; })
      .replace(/\s+/g, " ").trim();
  }

  function send(obj) {
    if (!S.ws || S.ws.readyState !== 1) { status("start the dialogue first", "error"); return; }
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

  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("button") : null;
    if (!el || !document.getElementById("voice-page")) { return; }
    if (el.id === "vc-start") { if (S.ws) { stop(); } else { start(); } }
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
      if (S.ws || S.mic) { stop(); }
      return;
    }
    if (!$("vc-start").textContent) { labels(); }
  }, 500);

  window.facetVoice = S;
})();
