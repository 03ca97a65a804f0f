/* The book's figures on the web (book/_ext/book_assets.py adds this script, deferred, to pages with figures;
 * scripts/jzreport/figures.py writes the figures). Each figure is shown at once as a static image of itself,
 * with a text alternative; its button makes it interactive: plotly.js (1.2 MB) is loaded then, once for
 * the page, and the figure is drawn from the data beside the image. Printing keeps the static image. */
(function () {
  "use strict";
  var plotlySource = document.currentScript.getAttribute("data-plotly");
  var plotlyLoaded = null;

  function loadPlotly() {
    if (!plotlyLoaded) {
      plotlyLoaded = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlySource;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotlyLoaded;
  }

  function makeInteractive(box) {
    var button = box.querySelector(".lazy-figure-start");
    button.disabled = true;
    button.textContent = "正在载入交互图……";
    loadPlotly().then(function () {
      var spec = JSON.parse(box.querySelector(".lazy-figure-data").textContent);
      var plot = box.querySelector(".lazy-figure-plot");
      plot.hidden = false;
      return window.Plotly.newPlot(plot, spec.data, spec.layout, spec.config);
    }).then(function () {
      box.querySelector(".lazy-figure-image").hidden = true;
      button.hidden = true;
      box.classList.add("is-interactive");
    }).catch(function () {
      button.disabled = false;
      button.textContent = "交互图载入失败，点此重试";
    });
  }

  document.querySelectorAll(".lazy-figure").forEach(function (box) {
    box.querySelector(".lazy-figure-start").addEventListener("click", function () { makeInteractive(box); });
  });
})();
