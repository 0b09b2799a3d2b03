// The feedback section of a system's page: the average rating per month as a line chart.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("feedback-rating-chart");
  const data = document.getElementById("feedback-rating-data");
  if (!el || !data || !window.echarts) return;
  const trend = JSON.parse(data.textContent);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {
      trigger: "axis",
      formatter: (items) => items.map((p) => {
        const esc = window.openmis.escapeHtml;  // what goes into the tooltip's HTML is text
        return `${esc(p.axisValue)}: ${esc(window.openmis.format.number(p.value, 2))} (${esc(window.openmis.format.number(trend.ratings[p.dataIndex]))})`;
      }).join("<br>"),
    },
    grid: { left: 40, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: trend.months },
    yAxis: { type: "value", min: 1, max: 5, interval: 1 },
    series: [{ name: trend.label, type: "line", data: trend.averages, connectNulls: false, symbolSize: 8, itemStyle: { color: "#1d4f91" } }],
  });
  window.addEventListener("resize", () => chart.resize());
});
