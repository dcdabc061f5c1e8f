// Draw the page's charts. Every fact is already in the HTML; charts are an
// enhancement. plotly.js (served by this site) loads only on pages with a chart.
(function () {
  "use strict";
  var plots = document.querySelectorAll("[data-figure]");
  if (!plots.length) return;

  function draw() {
    plots.forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.getAttribute("data-figure")).textContent);
      window.Plotly.newPlot(el, spec.data, spec.layout, {
        // No toolbar: its buttons would be focusable inside an aria-hidden chart
        // (the table beside each chart is the accessible version).
        responsive: true, displayModeBar: false
      }).then(function () { el.classList.add("drawn"); });
    });
  }

  var script = document.createElement("script");
  script.src = document.documentElement.getAttribute("data-plotly-src");
  script.onload = draw;
  document.head.appendChild(script);
})();
