// The question builder's filter value pickers: each filter's value field becomes a Tom Select
// searching the column's distinct values (GET /api/bi/values/, through the reader's row rules).
// The text field stays the one submitted: the picker writes its values into it, comma-separated
// and quoted as bi/builder.py reads them back. Without JavaScript the text field (with its
// datalist of frequent values) is used as it is. Values are shown with textContent only.
(function () {
  "use strict";
  const NO_VALUE = ["is_null", "not_null", "this", "previous", "last"];
  const MANY = ["in", "not_in"];

  function needsQuotes(v) {
    return v === "" || v !== v.trim() || v.includes(",") || v.includes('"');
  }
  function joinValues(values) {
    return values.map((v) => (needsQuotes(v) ? '"' + v.replace(/"/g, '""') + '"' : v)).join(", ");
  }
  function splitValues(text) {
    const values = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      while (i < n && text[i] === " ") i++;
      if (i < n && text[i] === '"') {
        i++;
        let chunk = "";
        while (i < n) {
          if (text[i] === '"') {
            if (text[i + 1] === '"') { chunk += '"'; i += 2; continue; }
            i++;
            break;
          }
          chunk += text[i++];
        }
        values.push(chunk);
        const comma = text.indexOf(",", i);
        i = comma < 0 ? n : comma + 1;
      } else {
        const comma = text.indexOf(",", i);
        const end = comma < 0 ? n : comma;
        const value = text.slice(i, end).trim();
        if (value) values.push(value);
        i = end + 1;
      }
    }
    return values;
  }

  function picker(row) {
    const input = row.querySelector("input[name$='_val']");
    const column = row.querySelector("select[name$='_col']");
    const op = row.querySelector("select[name$='_op']");
    const form = row.closest("form");
    const dataset = form && form.querySelector("[name=dataset]");
    if (!input || !column || !op || !dataset || !window.TomSelect || !window.OpenMISValues) return;
    if (row._picker) { row._picker.destroy(); row._picker.wrapper && row._picker.wrapper.remove(); row._picker = null; }
    row.querySelectorAll("select.bi-value-picker").forEach((el) => el.remove());
    input.hidden = false;
    if (!column.value || NO_VALUE.includes(op.value)) return;
    const many = MANY.includes(op.value) || op.value === "between";
    const values = many ? splitValues(input.value) : input.value ? [input.value] : [];
    const select = window.OpenMISValues.selectAfter(input, values, many, "bi-value-picker");
    select.setAttribute("aria-label", input.getAttribute("aria-label") || "");
    const messages = JSON.parse(document.getElementById("bi-picker-messages").textContent);
    const ts = window.OpenMISValues.picker(
      select,
      form.getAttribute("data-values-url"),
      messages,
      () => ({ dataset: dataset.value, column: column.value }),
      (chosen) => {
        input.value = many ? joinValues(chosen) : chosen[0] || "";
      },
      { maxItems: op.value === "between" ? 2 : many ? null : 1 }
    );
    row._picker = ts;
  }

  function init(root) {
    root.querySelectorAll("#b-filters .b-row:not([data-picker])").forEach((row) => {
      row.setAttribute("data-picker", "1");
      picker(row);
      row.addEventListener("change", (event) => {
        if (event.target.matches("select[name$='_col'], select[name$='_op']")) picker(row);
      });
    });
  }
  // A shift-click on a result's column header, or Shift+Enter on it, adds the column to the
  // sort (its link's data-add-href) instead of sorting by it alone.
  function addSort(event) {
    const link = event.target.closest && event.target.closest("a.bi-sort[data-add-href]");
    if (!link || !event.shiftKey) return;
    if (event.type === "keydown" && event.key !== "Enter") return;
    event.preventDefault();
    window.location.assign(link.getAttribute("data-add-href"));
  }
  document.addEventListener("click", addSort);
  document.addEventListener("keydown", addSort);

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", () => init(document));
})();
