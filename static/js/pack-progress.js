// Follows a Board pack export: asks the server how far it has got every couple of
// seconds, says so in the live region, and reloads the page when it has finished
// (the page then lists the files). Without JavaScript the page's Refresh link works.
(function () {
  "use strict";
  var box = document.getElementById("pack-progress");
  var text = document.getElementById("pack-progress-text");
  if (!box || !text || box.dataset.finished === "true") { return; }
  var lastStage = null;
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.finished) { window.location.reload(); return; }
        if (status.stage !== lastStage) {
          lastStage = status.stage;
          text.lastChild.textContent = status.status === "queued"
            ? " " + status.stage + "."
            : " Step " + Math.min(status.steps_done + 1, status.steps_total) + " of " +
              status.steps_total + ": " + status.stage + ".";
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
