// Numbers and dates of the charts in the page's language (<html lang>), written by the
// browser's Intl from the same CLDR rules as the server's openmis.core.formatting: a Polish
// axis reads "100 000 000" and "sty 2023", an English one "100,000,000" and "Jan 2023".
// Every function returns plain text; callers put it into the page as text, never as HTML.
(function () {
  "use strict";
  const lang = document.documentElement.lang || "en";
  const formats = new Map();
  function numberFormat(options) {
    const key = JSON.stringify(options);
    if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(lang, options));
    return formats.get(key);
  }
  function isMissing(value) {
    return value === null || value === undefined || value === "" || value === "-";
  }
  // A number with the language's grouping and decimal sign; `places` fixes the decimals,
  // otherwise whole numbers stay whole and others keep at most two decimals.
  function number(value, places) {
    if (isMissing(value)) return "—";
    const n = Number(value);
    if (!Number.isFinite(n)) return String(value);
    const options = places === undefined
      ? { maximumFractionDigits: Number.isInteger(n) ? 0 : 2 }
      : { minimumFractionDigits: places, maximumFractionDigits: places };
    return numberFormat(options).format(n);
  }
  // A whole amount (the currency is said beside the chart, as on the tables).
  function money(value) {
    return isMissing(value) ? "—" : number(Math.round(Number(value)), 0);
  }
  // A fraction as a percentage: 0.152 -> "15.2%" / "15,2%".
  function percent(value, places = 1) {
    if (isMissing(value)) return "—";
    return numberFormat({ style: "percent", minimumFractionDigits: places, maximumFractionDigits: places }).format(Number(value));
  }
  function day(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso));
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  }
  // A day ("Dec 7, 2026" / "7 gru 2026") and a month ("Jan 2023" / "sty 2023").
  function date(iso) {
    const d = day(iso);
    return d ? new Intl.DateTimeFormat(lang, { dateStyle: "medium" }).format(d) : String(iso ?? "");
  }
  function month(iso) {
    const d = day(iso);
    return d ? new Intl.DateTimeFormat(lang, { year: "numeric", month: "short" }).format(d) : String(iso ?? "");
  }
  // ECharts formatters for an option: value axes, tooltips and pie labels in the page's
  // language. Leaves any formatter the option already has.
  function chartOption(option) {
    const axes = (axis) => (Array.isArray(axis) ? axis : axis ? [axis] : []);
    for (const axis of [...axes(option.xAxis), ...axes(option.yAxis)]) {
      if (axis.type === "value" || axis.type === undefined) {
        axis.axisLabel = Object.assign({ formatter: (v) => number(v) }, axis.axisLabel || {});
      }
    }
    if (option.tooltip && !option.tooltip.formatter && !option.tooltip.valueFormatter) {
      option.tooltip.valueFormatter = (v) => (Array.isArray(v) ? v.map((x) => number(x)).join(", ") : number(v));
    }
    return option;
  }
  window.openmis = Object.assign(window.openmis || {}, {
    format: { lang, number, money, percent, date, month, chartOption },
  });
})();
