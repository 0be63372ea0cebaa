/* Facet chat: keep the newest answer in view as Dash appends it to #chat-log. */
(function () {
  "use strict";
  var watched = null;
  var observer = new MutationObserver(function () {
    if (watched) { watched.scrollTop = watched.scrollHeight; }
  });
  setInterval(function () {
    var log = document.getElementById("chat-log");
    if (log === watched) { return; }
    observer.disconnect();
    watched = log;
    if (log) { observer.observe(log, { childList: true }); }
  }, 300);
})();
