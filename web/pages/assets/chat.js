/* Facet chat: bring the newest exchange into view as Dash appends it to #chat-log. The newest
   question goes to the top of the log (its answer below it), not the log's bottom: an answer's
   chart and grid draw after it is appended and would push its text and buttons out of view.
   While they draw (and the answers above settle), the question is kept there for a moment,
   unless the person scrolls the log themselves. */
(function () {
  "use strict";
  var watched = null;
  var pinnedUntil = 0;

  function pin() {
    if (!watched || Date.now() > pinnedUntil) { return; }
    var asked = watched.querySelectorAll(".chat-me");
    if (!asked.length) { watched.scrollTop = watched.scrollHeight; return; }
    var last = asked[asked.length - 1];
    watched.scrollTop += last.getBoundingClientRect().top - watched.getBoundingClientRect().top - 8;
  }

  function release() { pinnedUntil = 0; }

  var observer = new MutationObserver(function () {
    pinnedUntil = Date.now() + 2000;
    pin();
    [100, 300, 700, 1200, 1900].forEach(function (ms) { setTimeout(pin, ms); });
  });

  setInterval(function () {
    var log = document.getElementById("chat-log");
    if (log === watched) { return; }
    observer.disconnect();
    if (watched) {
      ["wheel", "touchmove", "keydown"].forEach(function (e) { watched.removeEventListener(e, release); });
    }
    watched = log;
    if (log) {
      observer.observe(log, { childList: true });
      ["wheel", "touchmove", "keydown"].forEach(function (e) { log.addEventListener(e, release); });
    }
  }, 300);
})();
