/* The Cl@ve Móvil waiting page (connectors/movil/pages.ts): counts down, learns the outcome of
 * the login request by server-sent events (data-events) or, when those fail, by polling the status
 * address (data-status) every few seconds, and submits the page's "continue" form once the app has
 * answered or the request has expired. The server decides what happens next; this script only
 * presses the button the person would press. Without it the page works the same by hand.
 */
(function () {
  'use strict';

  var form = document.getElementById('movil-continue');
  var countdown = document.getElementById('movil-countdown');
  var statusLine = document.getElementById('movil-status');
  if (!form || !countdown) return;

  var POLL_MS = 3000;
  var deadline = Date.now() + Number(countdown.getAttribute('data-remaining-ms') || '0');
  var done = false;
  var source = null;
  var pollTimer = null;

  function finish() {
    if (done) return;
    done = true;
    if (source) source.close();
    if (pollTimer) clearTimeout(pollTimer);
    form.submit();
  }

  function onStatus(status) {
    if (status === 'confirmed' || status === 'refused') finish();
    else if (status === 'expired') {
      if (statusLine) statusLine.textContent = form.getAttribute('data-expired-text') || '';
      finish();
    }
  }

  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    countdown.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    if (left === 0) onStatus('expired');
    else if (!done) setTimeout(tick, 1000);
  }

  function poll() {
    if (done) return;
    fetch(form.getAttribute('data-status'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && body.status) onStatus(body.status); })
      .catch(function () {})
      .then(function () { if (!done) pollTimer = setTimeout(poll, POLL_MS); });
  }

  function listen() {
    if (typeof EventSource !== 'function') return poll();
    source = new EventSource(form.getAttribute('data-events'));
    source.addEventListener('status', function (e) { onStatus(e.data); });
    // A node at its limit answers 503, a proxy may cut the stream: from then on, poll.
    source.onerror = function () {
      if (done) return;
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        poll();
      }
    };
  }

  tick();
  listen();
})();
