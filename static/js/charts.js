// Draws every chart on the page from the figure JSON the server embedded as a JSON
// data block (no inline scripts, so the Content-Security-Policy can stay strict).
// On screen a chart is drawn when it comes near the viewport (a report holds
// dozens; drawing them all at once held the page up). Charts marked data-static
// (the printed pack) are all drawn at once, without interaction, at a fixed size;
// once every chart is drawn the page says so on <html data-charts-drawn>, which is
// what the PDF printer waits for. Each chart on screen can also be read as a table
// (built from the same JSON when the reader opens it: see fillTable).
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

  // A chart's data as a table, built from its figure JSON when the reader opens it
  // (the <details> under the chart, hidden until this script can fill it): the
  // period, the value, the SPC reading and the rules it met, the mean, the limits
  // and the target, one row a point, the latest first as in the other tables.
  function number(value, places) {
    if (value === null || value === undefined) { return "—"; }
    return places === undefined ? String(value) : Number(value).toFixed(places);
  }

  function fillTable(details) {
    var data = document.getElementById(details.dataset.chart + "-data");
    if (!data) { return; }
    var figure = JSON.parse(data.textContent);
    var series = figure.data[0];
    var byName = {};
    figure.data.forEach(function (trace) { byName[trace.name] = trace; });
    var axis = figure.layout.yaxis && figure.layout.yaxis.title ? figure.layout.yaxis.title.text : "Value";
    var columns = [
      ["Period", function (i) { return series.customdata[i][0]; }],
      ["Value (" + axis + ")", function (i) { return number(series.y[i]); }],
      ["SPC reading", function (i) { return series.customdata[i][1] || "—"; }],
      ["SPC rules met", function (i) { return series.customdata[i][2] || "—"; }],
      ["Mean", function (i) { return byName.Mean ? number(byName.Mean.y[i], 2) : "—"; }],
      ["Lower process limit", function (i) { return byName["Lower process limit"] ? number(byName["Lower process limit"].y[i], 2) : "—"; }],
      ["Upper process limit", function (i) { return byName["Upper process limit"] ? number(byName["Upper process limit"].y[i], 2) : "—"; }],
    ];
    // What the value is rated against: the target, or the goal and the planned and
    // revised trajectories where there is a trajectory (only the lines drawn).
    ["Target", "Goal", "Planned trajectory", "Revised trajectory"].forEach(function (name) {
      if (byName[name]) {
        columns.push([name, function (i) { return number(byName[name].y[i]); }]);
      }
    });
    var table = document.createElement("table");
    table.className = "nhsuk-table";
    var caption = document.createElement("caption");
    caption.className = "nhsuk-table__caption nhsuk-u-visually-hidden";
    caption.textContent = details.querySelector("summary").textContent;
    table.appendChild(caption);
    var head = table.createTHead();
    var headRow = head.insertRow();
    headRow.className = "nhsuk-table__row";
    columns.forEach(function (column) {
      var th = document.createElement("th");
      th.setAttribute("scope", "col");
      th.className = "nhsuk-table__header";
      th.textContent = column[0];
      headRow.appendChild(th);
    });
    var body = table.createTBody();
    body.className = "nhsuk-table__body";
    for (var i = series.x.length - 1; i >= 0; i -= 1) {
      var row = body.insertRow();
      row.className = "nhsuk-table__row";
      columns.forEach(function (column, index) {
        var element = document.createElement(index === 0 ? "th" : "td");
        if (index === 0) { element.setAttribute("scope", "row"); }
        element.className = "nhsuk-table__cell";
        element.textContent = column[1](i);
        row.appendChild(element);
      });
    }
    var scroll = document.createElement("div");
    scroll.className = "portal-table-scroll";
    scroll.setAttribute("tabindex", "0");
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", caption.textContent);
    scroll.appendChild(table);
    details.querySelector(".nhsuk-details__text").appendChild(scroll);
  }

  Array.prototype.slice.call(document.querySelectorAll("details[data-chart]")).forEach(function (details) {
    details.hidden = false;
    details.addEventListener("toggle", function once() {
      if (details.open) {
        details.removeEventListener("toggle", once);
        fillTable(details);
      }
    });
  });

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
