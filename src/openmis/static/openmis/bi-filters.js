// Dashboard filters as dropdowns: each filter's text field (kept for use without script) is
// replaced by a searchable Tom Select of the column's values (GET /api/bi/values/ with the
// dashboard, through the reader's row rules). Choosing or clearing a value reloads the page
// with the filters in the URL, so a link reproduces the view; an empty filter is left out.
// Values are shown with textContent only.
(function () {
  "use strict";

  function element(text, className) {
    const div = document.createElement("div");
    if (className) div.className = className;
    div.textContent = text;
    return div;
  }

  function picker(form, input, messages) {
    const select = document.createElement("select");
    select.multiple = true;
    select.className = "bi-filter-picker";
    select.id = input.id;
    input.id = "";
    const values = input.value ? input.value.split(",").map((v) => v.trim()).filter(Boolean) : [];
    values.forEach((v) => {
      const option = document.createElement("option");
      option.value = v;
      option.textContent = v;
      option.selected = true;
      select.appendChild(option);
    });
    input.hidden = true;
    input.after(select);
    const ts = new window.TomSelect(select, {
      valueField: "value",
      labelField: "value",
      searchField: ["value"],
      maxItems: null,
      create: true,
      persist: false,
      preload: "focus",
      placeholder: messages.placeholder,
      loadThrottle: 250,
      shouldLoad: () => true,
      plugins: { remove_button: { title: messages.clear }, clear_button: { title: messages.clear } },
      load: function (query, callback) {
        const url = new URL(form.getAttribute("data-values-url"), window.location.origin);
        url.searchParams.set("dashboard", form.getAttribute("data-dashboard"));
        url.searchParams.set("dataset", input.getAttribute("data-dataset"));
        url.searchParams.set("column", input.getAttribute("data-column"));
        url.searchParams.set("q", query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : { values: [] }))
          .then((data) => callback(data.values.map((v) => ({ value: String(v) }))))
          .catch(() => callback());
      },
      render: {
        option: (data) => element(data.value),
        item: (data) => element(data.value),
        option_create: (data) => element(messages.use.replace("%s", data.input), "create"),
        no_results: () => element(messages.none, "no-results"),
        loading: () => element(messages.loading, "loading"),
      },
      onChange: function () {
        input.value = [].concat(ts.getValue() || []).join(",");
        form.requestSubmit();
      },
    });
  }

  function init() {
    const form = document.getElementById("dashboard-filters");
    const source = document.getElementById("bi-filter-messages");
    if (!form || !source || !window.TomSelect) return;
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
