// BI charts: each .bi-chart holds its ECharts option as JSON; cards arrive later via htmx.
(function () {
  "use strict";
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".bi-chart:not([data-drawn])").forEach(function (el) {
      var script = el.querySelector("script[type='application/json']");
      if (!script) return;
      el.setAttribute("data-drawn", "1");
      var chart = echarts.init(el);
      var option = JSON.parse(script.textContent);
      // The raw values behind the categories (the axis shows them as the reader writes them).
      var keys = option.openmisKeys || null;
      delete option.openmisKeys;
      chart.setOption(window.openmis.format.chartOption(option));
      var drill = el.getAttribute("data-drill");
      if (drill) {
        chart.on("click", function (params) {
          var key = keys && params.dataIndex != null ? keys[params.dataIndex] : params.name;
          window.location.href = drill + encodeURIComponent(key);
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    document.querySelectorAll("[data-fullscreen]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.querySelector(button.getAttribute("data-fullscreen"));
        if (target && target.requestFullscreen) target.requestFullscreen();
      });
    });
  });
  // A swapped-in card, or the builder's page replaced whole (outerHTML: the event's target is
  // the element that left), so look at the whole document: drawn charts are skipped.
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
