// Draws the cockpit's charts from the JSON the server embedded in the page.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("people-chart-data");
  const target = document.getElementById("people-chart");
  if (!data || !target || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const instance = echarts.init(target);
  instance.setOption({
    grid: { left: 130, right: 20, top: 10, bottom: 30 },
    tooltip: { trigger: "axis", valueFormatter: (v) => window.openmis.format.number(v) },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (v) => window.openmis.format.number(v) } },
    yAxis: { type: "category", data: chart.names, inverse: true },
    series: [{ type: "bar", data: chart.values, itemStyle: { color: "#1d4f91" } }],
  });
  window.addEventListener("resize", () => instance.resize());
});
