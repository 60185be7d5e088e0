// Live countdowns: every element with data-countdown="<RFC 3339>" shows
// the time left (or overdue) in the page's language, refreshed each 30 s.
// The server renders the same text, so the page reads fine without JS.
// Time runs on from the server's clock when the page was made (data-now
// on <html>), not from the reader's clock, which may be set wrong.
(function () {
  var root = document.documentElement;
  var ja = root.lang === "ja";
  var made = Date.parse(root.getAttribute("data-now"));
  var skew = isNaN(made) ? 0 : made - Date.now();
  // A drill's pages (data-speed) run on the drill's clock, N times as fast.
  var speed = parseInt(root.getAttribute("data-speed"), 10) || 1, loaded = Date.now();
  function now() { return speed === 1 ? Date.now() + skew : made + (Date.now() - loaded) * speed; }
  function fmt(ms) {
    var over = ms < 0; if (over) ms = -ms;
    var m = Math.floor(ms / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mi = m % 60;
    var span = ja ? (d > 0 ? d + "日" + h + "時間" : h > 0 ? h + "時間" + mi + "分" : mi + "分")
                  : (d > 0 ? d + " d " + h + " h" : h > 0 ? h + " h " + mi + " min" : mi + " min");
    if (over) return ja ? "超過 " + span : "overdue by " + span;
    return ja ? "あと" + span : span + " left";
  }
  function tick() {
    var els = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < els.length; i++) {
      var t = Date.parse(els[i].getAttribute("data-countdown"));
      if (!isNaN(t)) els[i].textContent = fmt(t - now());
    }
  }
  tick();
  setInterval(tick, 30000);
})();
