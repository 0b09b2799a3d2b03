// The pairwise comparison grid: reciprocals, weights and consistency ratio, live.
//
// The same formula as the server's (openmis.appraisal.calc.ahp): the weights are the
// principal eigenvector of the reciprocal matrix (found here by power iteration, which
// converges to it for a positive matrix), lambda_max its eigenvalue, CI = (lambda_max - n) /
// (n - 1) and CR = CI / RI(n) with Saaty's random indices, sent by the server. On save the
// server computes them again and its figures are the ones stored and shown.
"use strict";

(() => {
  const ratio = (text) => {
    const parts = String(text).replace(/,/g, ".").split("/");
    const value = parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(parts[0]);
    return Number.isFinite(value) && value > 0 ? value : null;
  };

  // The weights, lambda_max and CR of a reciprocal matrix (an array of rows).
  const ahp = (a, randomIndex) => {
    const n = a.length;
    let w = new Array(n).fill(1 / n);
    for (let step = 0; step < 1000; step += 1) {
      const next = a.map((row) => row.reduce((sum, x, j) => sum + x * w[j], 0));
      const total = next.reduce((s, x) => s + x, 0);
      const normal = next.map((x) => x / total);
      const change = Math.max(...normal.map((x, i) => Math.abs(x - w[i])));
      w = normal;
      if (change < 1e-15) break;
    }
    const aw = a.map((row) => row.reduce((sum, x, j) => sum + x * w[j], 0));
    const lambda = aw.reduce((s, x, i) => s + x / w[i], 0) / n;
    const ci = n > 2 ? Math.max((lambda - n) / (n - 1), 0) : 0;
    const cr = n > 2 ? ci / randomIndex[n - 1] : 0;
    // The judgement furthest, as a ratio, from what the weights imply.
    let worst = null;
    let deviation = 1e-9;
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        const d = Math.abs(Math.log((a[i][j] * w[j]) / w[i]));
        if (d > deviation) {
          deviation = d;
          worst = [i, j];
        }
      }
    }
    return { weights: w, lambda, cr, worst };
  };

  const SCALE = new Map();
  SCALE.set(1, "1");
  for (let k = 2; k <= 9; k += 1) {
    SCALE.set(k, String(k));
    SCALE.set(1 / k, `1/${k}`);
  }
  const ratioText = (value, format) => {
    for (const [v, text] of SCALE) if (Math.abs(value / v - 1) <= 1e-3) return text;
    return format(value, 3);
  };

  const setUp = (form) => {
    const lang = document.documentElement.lang || undefined;
    const format = (value, digits) =>
      new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    // The same CLDR pattern as the server's Babel percent_text: "33.3%", "33,3%".
    const percent = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const randomIndex = form.dataset.randomIndex.split(" ").map(Number);
    const threshold = Number(form.dataset.threshold);
    const selects = [...form.querySelectorAll("select[data-i]")];
    const names = [...form.querySelectorAll("tbody th[scope=row]")].map((th) => th.textContent);
    const n = names.length;
    const output = form.querySelector("#ahp-cr");
    const warning = form.querySelector("#ahp-cr-warning");

    const update = () => {
      const a = Array.from({ length: n }, () => new Array(n).fill(1));
      for (const select of selects) {
        const i = Number(select.dataset.i);
        const j = Number(select.dataset.j);
        const value = ratio(select.value);
        if (value === null) return;
        a[i][j] = value;
        a[j][i] = 1 / value;
        const cell = form.querySelector(`[data-reciprocal="${i}-${j}"]`);
        if (cell) cell.textContent = ratioText(1 / value, format);
      }
      const result = ahp(a, randomIndex);
      result.weights.forEach((w, i) => {
        const cell = form.querySelector(`[data-weight="${i}"]`);
        if (cell) cell.textContent = percent.format(w);
      });
      output.textContent = format(result.cr, 3);
      const tooHigh = result.cr > threshold && result.worst !== null;
      warning.hidden = !tooHigh;
      if (tooHigh) {
        const values = { cr: format(result.cr, 3), a: names[result.worst[0]], b: names[result.worst[1]] };
        warning.textContent = form.dataset.warning.replace(/\{(cr|a|b)\}/g, (_, key) => values[key]);
      } else {
        warning.textContent = "";
      }
    };
    for (const select of selects) select.addEventListener("change", update);
  };

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("ahp-grid");
    if (form) setUp(form);
    for (const select of document.querySelectorAll("select[data-autosubmit]")) {
      select.addEventListener("change", () => select.form.submit());
    }
  });
})();
