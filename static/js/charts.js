// Draws every chart on the page from the figure JSON the server embedded as a JSON
// data block (no inline scripts, so the Content-Security-Policy can stay strict).
// On screen a chart is drawn when it comes near the viewport (a report holds
// dozens; drawing them all at once held the page up). Charts marked data-static
// (the printed pack) are all drawn at once, without interaction, at a fixed size;
// once every chart is drawn the page says so on <html data-charts-drawn>, which is
// what the PDF printer waits for.
// Loaded with `defer` right after plotly's bundle (also deferred): deferred scripts
// run in document order once the page is parsed, so Plotly is there and so is every
// chart's element and figure JSON.
(function () {
  "use strict";
  var elements = Array.prototype.slice.call(document.querySelectorAll(".portal-chart__plot"));
  var pending = elements.length;

  function drawn() {
    pending -= 1;
    if (pending === 0) {
      document.documentElement.dataset.chartsDrawn = "true";
    }
  }

  function draw(element) {
    var data = document.getElementById(element.id + "-data");
    if (!data || !window.Plotly) { drawn(); return; }
    var figure = JSON.parse(data.textContent);
    var isStatic = element.dataset.static === "true";
    var config = isStatic
      ? { staticPlot: true, responsive: false, displayModeBar: false }
      : {
          responsive: true,
          displaylogo: false,
          modeBarButtonsToRemove: ["select2d", "lasso2d"],
        };
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(drawn, drawn);
  }

  var lazy = elements.filter(function (element) { return element.dataset.static !== "true"; });
  elements.filter(function (element) { return element.dataset.static === "true"; }).forEach(draw);
  if (!("IntersectionObserver" in window)) {
    lazy.forEach(draw);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "400px 0px" });
  lazy.forEach(function (element) { observer.observe(element); });
})();
