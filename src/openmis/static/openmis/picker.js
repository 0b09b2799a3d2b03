// Pickers (openmis.core.widgets): every <select data-picker> becomes a Tom Select, searchable
// with the keyboard, chips for many values, a clear button. An empty data-picker searches the
// options the page holds; a URL asks the type's API as the user types (the typed text is added
// to its q=). Tom Select (and its stylesheet) is loaded from our static files on the first
// page that has a picker. Everything from the API is rendered through Tom Select's escape():
// names are text, never HTML.
(function () {
  const script = document.currentScript;
  let loading = null;

  function loadTomSelect() {
    if (window.TomSelect) return Promise.resolve();
    if (!loading) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = script.dataset.css;
      document.head.appendChild(css);
      loading = new Promise((resolve, reject) => {
        const js = document.createElement("script");
        js.src = script.dataset.js;
        js.onload = resolve;
        js.onerror = reject;
        document.head.appendChild(js);
      });
    }
    return loading;
  }

  function option(data, escape) {
    const hint = data.hint ? `<div class="picker-hint small text-body-secondary">${escape(data.hint)}</div>` : "";
    return `<div><div>${escape(data.text)}</div>${hint}</div>`;
  }

  function message(text) {
    return (data, escape) => `<div class="no-results">${escape(text)}</div>`;
  }

  function remoteLoader(select) {
    const url = select.dataset.picker;
    let shown = new Set();
    return {
      // Only what the server found for the words typed (it also matches e-mails, titles):
      // no second filtering in the page.
      score() { return (item) => (shown.has(String(item.value)) ? 1 : 0); },
      load(query, callback) {
        fetch(url + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => {
            const options = data.results.map((row) => ({
              value: String(row.id), text: row.text, hint: row.hint,
            }));
            shown = new Set(options.map((o) => o.value));
            this.clearOptions();  // keeps the chosen ones
            callback(options);
          })
          .catch(() => callback());
      },
    };
  }

  function attach(select) {
    if (select.tomselect || select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    const texts = select.dataset;
    const plugins = {};
    if (select.multiple) plugins.remove_button = { title: texts.pickerRemove };
    if (select.multiple || !select.required) plugins.clear_button = { title: texts.pickerClear };
    const settings = {
      plugins,
      dataAttr: "data-data",
      searchField: ["text", "hint"],
      maxOptions: 100,
      hideSelected: select.multiple,
      closeAfterSelect: !select.multiple,
      clearAfterSelect: select.multiple,  // the next name is typed afresh
      placeholder: texts.pickerPrompt,
      render: {
        option,
        item: (data, escape) => `<div>${escape(data.text)}</div>`,
        no_results: message(texts.pickerNone),
        loading: message(texts.pickerLoading),
        not_loading: message(texts.pickerPrompt),
      },
    };
    if (select.dataset.picker) Object.assign(settings, remoteLoader(select));
    const label = select.labels && select.labels[0];
    const picker = new window.TomSelect(select, settings);
    // Tom Select points the label at its own search box; the original select stays in the
    // accessibility tree (visually hidden, it still submits the form), so it keeps the
    // label's name through aria-labelledby (axe select-name, WCAG 4.1.2).
    if (label && !select.hasAttribute("aria-label") && !select.hasAttribute("aria-labelledby")) {
      if (!label.id) label.id = `${select.id || select.name}-label`;
      select.setAttribute("aria-labelledby", label.id);
    }
    // A single choice hides its current value while the user types another, so the control
    // reads as the text typed, not as "Anna Nowak kowal".
    const typing = (query) => picker.wrapper.classList.toggle("picker-typing", Boolean(query));
    picker.on("type", typing);
    picker.on("change", () => typing(""));
    picker.on("blur", () => typing(""));
  }

  function scan(root) {
    const selects = root.querySelectorAll("select[data-picker]");
    if (selects.length) loadTomSelect().then(() => selects.forEach(attach));
  }

  document.addEventListener("DOMContentLoaded", () => scan(document));
  document.addEventListener("htmx:afterSwap", (event) => scan(event.target));
})();
