// Helpers every page's scripts share; loaded first (base.html), before the page's own scripts.
(function () {
  "use strict";
  const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  // Text made safe to put into HTML: every formatter that builds HTML (ECharts tooltips, any
  // markup put together in the browser) passes stored text through this, never raw.
  function escapeHtml(value) {
    return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
  }
  window.openmis = Object.assign(window.openmis || {}, { escapeHtml });

  // <select data-submit-on-change>: choosing an option submits its form (no inline handlers:
  // the Content-Security-Policy allows no inline script).
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches && target.matches("[data-submit-on-change]") && target.form) {
      target.form.requestSubmit();
    }
  });
})();
