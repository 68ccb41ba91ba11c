// Follows a Board pack export: asks the server how far it has got every couple of
// seconds, says so in the live region, and reloads the page when it has finished
// (the page then lists the files). Without JavaScript the page's Refresh link works.
(function () {
  "use strict";
  var box = document.getElementById("pack-progress");
  var words = document.getElementById("pack-progress-words");
  var tag = document.getElementById("pack-status-tag");
  if (!box || !words || box.dataset.finished === "true") { return; }
  var lastStage = null;
  function show(status) {
    if (tag) {
      tag.textContent = status.status_label;
      tag.classList.toggle("nhsuk-tag--grey", status.status === "queued");
      tag.classList.toggle("nhsuk-tag--blue", status.status === "running");
    }
    words.textContent = status.status === "queued"
      ? " " + status.stage + "."
      : " Step " + Math.min(status.steps_done + 1, status.steps_total) + " of " +
        status.steps_total + ": " + status.stage + ".";
  }
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.finished) { window.location.reload(); return; }
        if (status.stage !== lastStage) {
          lastStage = status.stage;
          show(status);
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
