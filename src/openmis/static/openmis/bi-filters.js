// Dashboard filters as dropdowns: each filter's text field (kept for use without script) is
// replaced by a searchable Tom Select of the column's values (GET /api/bi/values/ with the
// dashboard, through the reader's row rules). Choosing or clearing a value reloads the page
// with the filters in the URL, so a link reproduces the view: one v_<column> parameter per
// value, exactly as chosen (a value may hold a comma or two dots), and from_/to_<column> for
// a range; an empty filter is left out. Values are shown with textContent only.
(function () {
  "use strict";

  function picker(form, input, messages) {
    const box = input.closest(".bi-filter");
    const name = input.name;
    const named = () => Array.from(box.querySelectorAll("input")).filter((el) => el.name === name);
    const values = named().map((el) => el.value).filter((v) => v.trim());
    // The chosen values travel in hidden fields of their own, one per value.
    function write(chosen) {
      named().forEach((el) => {
        if (el.hasAttribute("data-chosen")) el.remove();
        else el.disabled = true;
      });
      chosen.forEach((value) => {
        const hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = value;
        hidden.setAttribute("data-chosen", "1");
        box.appendChild(hidden);
      });
    }
    write(values);
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
        write(chosen);
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
      form.querySelectorAll("input[name]").forEach((input) => {
        if (input.name !== "arrange" && !input.value.trim()) input.disabled = true;
      });
    });
    form.setAttribute("data-ready", "1");
  }

  document.addEventListener("DOMContentLoaded", init);
})();
