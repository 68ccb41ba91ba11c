// Draws every chart on the page from the figure JSON the server embedded with
// json_script (no inline scripts, so the Content-Security-Policy can stay strict).
// Charts marked data-static (the printed pack) are drawn without interaction at a
// fixed size; once all are drawn the page says so on <html data-charts-drawn>,
// which is what the PDF printer waits for.
// Loaded with `defer` right after plotly's bundle (also deferred): deferred scripts
// run in document order once the page is parsed, so Plotly is there and so is every
// chart's element and figure JSON.
(function () {
  "use strict";
  var drawing = [];
  document.querySelectorAll(".portal-chart__plot").forEach(function (element) {
    var data = document.getElementById(element.id + "-data");
    if (!data || !window.Plotly) { return; }
    var figure = JSON.parse(data.textContent);
    var isStatic = element.dataset.static === "true";
    var config = isStatic
      ? { staticPlot: true, responsive: false, displayModeBar: false }
      : {
          responsive: true,
          displaylogo: false,
          modeBarButtonsToRemove: ["select2d", "lasso2d"],
        };
    drawing.push(window.Plotly.newPlot(element, figure.data, figure.layout, config));
  });
  Promise.all(drawing).then(function () {
    document.documentElement.dataset.chartsDrawn = "true";
  });
})();
