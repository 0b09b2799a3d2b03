// A searchable Tom Select of a BI column's values, fed by GET /api/bi/values/ (the reader's
// catalog and row rules apply there). Shared by the builder's filters (bi-builder.js) and the
// dashboard's filters (bi-filters.js). When the endpoint lists only the first values
// (``truncated``), the dropdown says so (``messages.more``). Values are shown with textContent
// only.
(function () {
  "use strict";

  function element(text, className) {
    const div = document.createElement("div");
    if (className) div.className = className;
    div.textContent = text;
    return div;
  }

  // A <select> holding ``values`` as chosen options, put after ``input``, which it replaces.
  function selectAfter(input, values, multiple, className) {
    const select = document.createElement("select");
    select.className = className;
    select.multiple = multiple;
    values.forEach((v) => {
      const option = document.createElement("option");
      option.value = v;
      option.textContent = v;
      option.selected = true;
      select.appendChild(option);
    });
    input.hidden = true;
    input.after(select);
    return select;
  }

  // A line at the foot of the dropdown saying the values listed are not all there are
  // (``text``), or none (empty ``text``). Outside the options, so Tom Select keeps it.
  function capNote(ts, text) {
    let note = ts.dropdown.querySelector(".bi-values-capped");
    if (!text) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = element("", "bi-values-capped small text-muted border-top px-2 py-1");
      note.setAttribute("role", "status");
      ts.dropdown.appendChild(note);
    }
    note.textContent = text;
  }

  // ``params()`` gives the query of the values endpoint (dataset, column, maybe dashboard);
  // ``onChange(values)`` receives the chosen values; ``options`` adds to Tom Select's own.
  function valuePicker(select, endpoint, messages, params, onChange, options) {
    const ts = new window.TomSelect(select, {
      valueField: "value",
      labelField: "value",
      searchField: ["value"],
      create: true,
      persist: false,
      preload: "focus",
      placeholder: messages.placeholder,
      loadThrottle: 250,
      shouldLoad: () => true,
      load: function (query, callback) {
        const self = this;
        const url = new URL(endpoint, window.location.origin);
        Object.entries(params()).forEach(([key, value]) => url.searchParams.set(key, value));
        url.searchParams.set("q", query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : { values: [] }))
          .then((data) => {
            capNote(self, data.truncated ? messages.more || "" : "");
            callback(data.values.map((v) => ({ value: String(v) })));
          })
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
        onChange([].concat(ts.getValue() || []));
      },
      ...options,
    });
    return ts;
  }

  window.OpenMISValues = { selectAfter: selectAfter, picker: valuePicker };
})();
