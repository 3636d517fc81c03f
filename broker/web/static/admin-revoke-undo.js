/* The revoke confirmation of the management module (broker/admin/pages/mandates/one-mandate.ts):
 * seed 004 §3.11.2 gives a few seconds to take a revocation back. On "revoke" this script holds
 * the form, counts down with an "undo" button, and submits only when the count ends; "undo" stops
 * it and nothing is sent. Without JavaScript the button submits at once: the page itself is the
 * confirmation. The server never waits; the delay lives here, before the request.
 */
(function () {
  'use strict';
  var form = document.getElementById('revoke-form');
  var pending = document.getElementById('revoke-pending');
  var undo = document.getElementById('revoke-undo');
  var undone = document.getElementById('revoke-undone');
  if (!form || !pending || !undo) return;
  var line = pending.querySelector('[data-template]');
  var seconds = Number(form.getAttribute('data-undo-seconds') || '3');
  var timer = null;
  var left = 0;

  function show() {
    line.textContent = line.getAttribute('data-template').replace('{s}', String(left));
  }

  function tick() {
    left -= 1;
    if (left <= 0) {
      timer = null;
      form.submit();
      return;
    }
    show();
    timer = setTimeout(tick, 1000);
  }

  form.addEventListener('submit', function (event) {
    if (timer !== null) return;
    event.preventDefault();
    left = seconds;
    show();
    form.hidden = true;
    if (undone) undone.hidden = true;
    pending.hidden = false;
    undo.focus();
    timer = setTimeout(tick, 1000);
  });

  undo.addEventListener('click', function () {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending.hidden = true;
    form.hidden = false;
    if (undone) undone.hidden = false;
    var button = form.querySelector('button[type="submit"]');
    if (button) button.focus();
  });
})();
