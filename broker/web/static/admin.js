// Conveniences of the management pages; every page works without this script.
// A table with data-filter="<input id>" hides the rows that do not contain what is typed in that
// search field (the server-side search still runs when the form is submitted).
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  for (const table of document.querySelectorAll('table[data-filter]')) {
    const input = document.getElementById(table.getAttribute('data-filter'));
    if (!input) continue;
    const rows = Array.from(table.tBodies[0]?.rows ?? []);
    const status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.className = 'visually-hidden';
    table.after(status);
    input.addEventListener('input', () => {
      const wanted = input.value.trim().toLowerCase();
      let shown = 0;
      for (const row of rows) {
        const match = !wanted || row.textContent.toLowerCase().includes(wanted);
        row.hidden = !match;
        if (match) shown += 1;
      }
      status.textContent = `${shown} / ${rows.length}`;
    });
  }
});
