// Refreshes the queue status on the dashboard's first page every five seconds: fetches the
// section's HTML from the address in its data-refresh attribute and puts it in place. A signed-out
// session answers with a redirect, which is left alone.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var section = document.querySelector("[data-refresh]");
  if (!section) {
    return;
  }
  setInterval(function () {
    fetch(section.dataset.refresh, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          section.innerHTML = html;
        }
      })
      .catch(function () {});
  }, 5000);
});
