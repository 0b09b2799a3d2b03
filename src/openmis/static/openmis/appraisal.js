// Charts of the evaluation page, drawn with ECharts from the JSON the server embedded.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("appraisal-charts");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const money = window.openmis.format.money;  // in the page's language
  const make = (id) => {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el);
    window.addEventListener("resize", () => chart.resize());
    return chart;
  };
  const cumulative = make("chart-cumulative");
  if (cumulative) cumulative.setOption({
    tooltip: { trigger: "axis", valueFormatter: money },
    legend: { top: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", axisLabel: { formatter: money } },
    series: Object.entries(data.cumulative).map(([name, values]) => ({ name, type: "line", data: values })),
  });
  const histogram = make("chart-histogram");
  const drawHistogram = (name) => {
    const h = data.histograms[name];
    if (!histogram || !h) return;
    histogram.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 20, top: 10, bottom: 40 },
      xAxis: { type: "category", data: h.centres.map(money), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: h.counts, itemStyle: { color: "#1d4f91" } }],
    }, true);
  };
  const tornado = make("chart-tornado");
  const drawTornado = (name) => {
    const t = data.tornado[name];
    if (!tornado || !t) return;
    // Bars are drawn as deviations from the base NPV (so negative NPVs stack correctly);
    // the axis labels add the base back.
    const bars = [...t.bars].reverse();
    tornado.setOption({
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: (items) => {
          const bar = bars[items[0].dataIndex];
          const esc = window.openmis.escapeHtml;  // line names are stored text, never HTML
          return `${esc(bar.label)}<br>${esc(money(bar.low))} … ${esc(money(bar.high))}`;
        },
      },
      grid: { left: 170, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value", axisLabel: { formatter: (v) => money(v + t.base) } },
      yAxis: { type: "category", data: bars.map((b) => b.label) },
      series: [
        { name: "min", type: "bar", stack: "t", itemStyle: { color: "#b35c00" }, data: bars.map((b) => b.low - t.base) },
        { name: "max", type: "bar", stack: "t", itemStyle: { color: "#1d4f91" }, data: bars.map((b) => b.high - t.base) },
      ],
    }, true);
  };
  const radar = data.radar && make("chart-radar");
  if (radar) radar.setOption({
    tooltip: {},
    legend: { top: 0 },
    radar: { indicator: data.radar.indicators, center: ["50%", "58%"], radius: "62%" },
    series: [{
      type: "radar",
      data: data.radar.series.map((s) => ({ name: s.name, value: s.value.map((v) => (v === null ? "-" : v)) })),
    }],
  });
  const hs = document.getElementById("histogram-alternative");
  const ts = document.getElementById("tornado-alternative");
  if (hs) { drawHistogram(hs.value); hs.addEventListener("change", () => drawHistogram(hs.value)); }
  if (ts) { drawTornado(ts.value); ts.addEventListener("change", () => drawTornado(ts.value)); }
});
