// Shows errors raised before the app mounts (a blank window helps nobody).
(function () {
  function show(msg) {
    if (window.__tzMounted) return;
    var el = document.getElementById('app') || document.body;
    if (!el) return;
    var pre = document.createElement('pre');
    pre.className = 'tz-fatal';
    pre.textContent = '启动失败 / start-up failed:\n' + msg;
    el.appendChild(pre);
  }
  window.addEventListener('error', function (e) {
    show((e.error && (e.error.stack || e.error.message)) || e.message || String(e));
  });
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    show((r && (r.stack || r.message)) || JSON.stringify(r));
  });
})();
