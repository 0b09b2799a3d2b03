// Dashboard grid: gridstack lays the cards out from their stored x, y, w, h. In arranging
// mode (only rendered for those who may change the dashboard) cards are dragged by their
// title bar and resized by a corner, and every change is saved at once to
// POST /api/bi/dashboards/<pk>/layout/. Outside it the grid is static. The arrow buttons on
// each card are plain forms: the keyboard and script-free way to do the same.
(function () {
  "use strict";
  var NARROW = 768;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function resizeCharts(el) {
    if (!window.echarts) return;
    el.querySelectorAll(".bi-chart[data-drawn]").forEach(function (chartEl) {
      var chart = window.echarts.getInstanceByDom(chartEl);
      if (chart) chart.resize();
    });
  }

  function init() {
    var el = document.getElementById("dashboard");
    if (!el || !window.GridStack) return;
    var arranging = el.getAttribute("data-arrange") === "1";
    var status = document.getElementById("layout-status");
    var grid = window.GridStack.init(
      {
        column: 12,
        cellHeight: 80,
        margin: 6,
        float: true,
        staticGrid: !arranging,
        handle: ".bi-drag-handle",
        columnOpts: { breakpoints: [{ w: NARROW, c: 1 }] },
        animate: false,
      },
      el
    );
    el.setAttribute("data-ready", "1");
    if (!arranging) return;

    function say(text) {
      if (status) status.textContent = text;
    }

    function save() {
      // On a narrow screen gridstack shows one column: that is a view, not a layout to keep.
      if (grid.getColumn() !== 12) return;
      var cards = grid.engine.nodes.map(function (n) {
        return { id: Number(n.id), x: n.x, y: n.y, w: n.w, h: n.h };
      });
      el.setAttribute("data-saving", "1");
      fetch(el.getAttribute("data-layout-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ cards: cards }),
      })
        .then(function (r) {
          say(el.getAttribute(r.ok ? "data-saved" : "data-failed"));
        })
        .catch(function () {
          say(el.getAttribute("data-failed"));
        })
        .finally(function () {
          el.removeAttribute("data-saving");
        });
    }

    grid.on("change", save);
    grid.on("resizestop", function (event, item) {
      resizeCharts(item);
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
