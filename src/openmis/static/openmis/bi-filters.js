// Dashboard filters as dropdowns: each filter's text field (kept for use without script) is
// replaced by a searchable Tom Select of the column's values (GET /api/bi/values/ with the
// dashboard, through the reader's row rules). Choosing or clearing a value reloads the page
// with the filters in the URL, so a link reproduces the view; an empty filter is left out.
// Values are shown with textContent only.
(function () {
  "use strict";

  function picker(form, input, messages) {
    const values = input.value ? input.value.split(",").map((v) => v.trim()).filter(Boolean) : [];
    const select = window.OpenMISValues.selectAfter(input, values, true, "bi-filter-picker");
    select.id = input.id;
    input.id = "";
    window.OpenMISValues.picker(
      select,
      form.getAttribute("data-values-url"),
      messages,
      () => ({
        dashboard: form.getAttribute("data-dashboard"),
        dataset: input.getAttribute("data-dataset"),
        column: input.getAttribute("data-column"),
      }),
      (chosen) => {
        input.value = chosen.join(",");
        form.requestSubmit();
      },
      {
        maxItems: null,
        plugins: {
          remove_button: { title: messages.clear },
          clear_button: { title: messages.clear },
        },
      }
    );
  }

  function init() {
    const form = document.getElementById("dashboard-filters");
    const source = document.getElementById("bi-filter-messages");
    if (!form || !source || !window.TomSelect || !window.OpenMISValues) return;
    const messages = JSON.parse(source.textContent);
    form.querySelectorAll("input[data-dataset]").forEach((input) => {
      if (input.getAttribute("data-dataset")) picker(form, input, messages);
    });
    // Only the filters that hold a value go into the URL.
    form.addEventListener("submit", () => {
      form.querySelectorAll("input[name^='f_']").forEach((input) => {
        if (!input.value.trim()) input.disabled = true;
      });
    });
    form.setAttribute("data-ready", "1");
  }

  document.addEventListener("DOMContentLoaded", init);
})();
