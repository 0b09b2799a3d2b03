// Autocomplete of AutocompleteSelect widgets: asks the API's quick search as the user types
// and keeps the chosen object's id in the hidden input the form submits.
(function () {
  function attach(input) {
    if (input.dataset.ready) return;
    input.dataset.ready = "1";
    const hidden = document.getElementById(input.dataset.target);
    const list = document.getElementById(input.list.id);
    let timer = null;
    let ids = new Map();
    input.addEventListener("input", () => {
      const chosen = ids.get(input.value);
      if (chosen !== undefined || input.value === "") {
        hidden.value = chosen === undefined ? "" : chosen;
        hidden.dispatchEvent(new Event("change", { bubbles: true }));
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const response = await fetch(input.dataset.autocomplete + encodeURIComponent(input.value), {
          credentials: "same-origin", headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        const data = await response.json();
        ids = new Map(data.results.map((row) => [row.display, String(row.id)]));
        list.replaceChildren(...data.results.map((row) => {
          const option = document.createElement("option");
          option.value = row.display;
          return option;
        }));
      }, 200);
    });
    input.addEventListener("change", (event) => event.stopPropagation());
  }
  function scan(root) { root.querySelectorAll("input[data-autocomplete]").forEach(attach); }
  document.addEventListener("DOMContentLoaded", () => scan(document));
  document.addEventListener("htmx:afterSwap", (event) => scan(event.target));
})();
