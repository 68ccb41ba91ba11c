// Draws every chart on the page from the figure JSON the server embedded with
// json_script (no inline scripts, so the Content-Security-Policy can stay strict).
(function () {
  "use strict";
  document.querySelectorAll(".portal-chart__plot").forEach(function (element) {
    var data = document.getElementById(element.id + "-data");
    if (!data || !window.Plotly) { return; }
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    });
  });
})();
