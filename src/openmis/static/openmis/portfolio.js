// Charts of the portfolio pages: TCO by year, the dependency graph, rationalisation quadrants.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  const esc = window.openmis.escapeHtml;  // stored names are text, never HTML
  const money = window.openmis.format.money;  // in the page's language
  const json = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const init = (el) => { const c = echarts.init(el); window.addEventListener("resize", () => c.resize()); return c; };

  const tcoEl = document.getElementById("tco-chart");
  const tco = json("tco-chart-data");
  if (tcoEl && tco) init(tcoEl).setOption({
    tooltip: { trigger: "axis", valueFormatter: money }, legend: { top: 0 },
    grid: { left: 70, right: 10, top: 40, bottom: 30 },
    xAxis: { type: "category", data: tco.years }, yAxis: { type: "value", axisLabel: { formatter: money } },
    series: tco.series.map((s) => ({ ...s, type: "bar" })),  // stacked per currency
  });

  const graphEl = document.getElementById("dependency-graph");
  if (graphEl) fetch(graphEl.dataset.url, { credentials: "same-origin" }).then((r) => r.json()).then((g) => {
    const colours = { application: "#1d4f91", infrastructure: "#6c757d", service: "#198754", integration: "#b35c00" };
    const chart = init(graphEl);
    chart.setOption({
      tooltip: { formatter: (p) => p.dataType === "edge" ? esc(p.data.data) : `${esc(p.data.name)} (${esc(p.data.stage_label)})` },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 220, edgeLength: 90 },
        label: { show: true, position: "right", fontSize: 11 },
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8, lineStyle: { opacity: 0.6 },
        data: g.nodes.map((n) => ({ ...n, symbolSize: n.focus ? 26 : (n.criticality === "critical" ? 18 : 12),
          itemStyle: { color: colours[n.kind] || "#333", borderColor: n.focus ? "#000" : undefined, borderWidth: n.focus ? 3 : 0 } })),
        links: g.links,
      }],
    });
    chart.on("click", (p) => { if (p.dataType === "node") window.location = `${graphEl.dataset.systemUrl}${p.data.id}/`; });
  });

  const ratEl = document.getElementById("rationalisation-chart");
  const rat = json("rationalisation-data");
  if (ratEl && rat) init(ratEl).setOption({
    tooltip: { formatter: (p) => `${esc(p.data.name)}: ${esc(p.data.quadrant_label)}` },
    grid: { left: 50, right: 20, top: 20, bottom: 50 },
    xAxis: { name: ratEl.dataset.x || "technical health", nameLocation: "middle", nameGap: 30, min: 0.5, max: 5.5, interval: 1 },
    yAxis: { name: ratEl.dataset.y || "business value", nameLocation: "middle", nameGap: 30, min: 0.5, max: 5.5, interval: 1 },
    series: [{ type: "scatter", symbolSize: 14, data: rat.map((s) => ({ ...s, value: s.value.map((v) => v + (Math.random() - 0.5) * 0.3) })),
      markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed" }, data: [{ xAxis: 2.5 }, { yAxis: 2.5 }] } }],
  });
});
