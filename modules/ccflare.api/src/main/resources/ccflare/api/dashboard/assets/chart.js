// uPlot time-series charts sized to their box, redrawn on resize; colours from the CSS variables.
const charts = new Set();
let observer = null;

function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'; }

/** Draws series over xs (epoch ms) into box; returns a disposer. series: [{label, values, colour}] */
export function timeChart(box, xs, series, { height = 220, yFormat = (v) => String(v), from = null, to = null } = {}) {
  if (!window.uPlot) { box.textContent = 'chart library not loaded'; return () => {}; }
  const axis = { stroke: css('--muted'), grid: { stroke: css('--grid'), width: 1 }, ticks: { stroke: css('--grid') } };
  const opts = {
    width: Math.max(240, box.clientWidth || 600), height,
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: css(s.colour || '--series-' + (i + 1)), width: 2,
      value: (u, v) => (v == null ? '—' : yFormat(v)) }))],
    axes: [axis, { ...axis, values: (u, vals) => vals.map(yFormat), size: 60 }],
    legend: { show: true },
    scales: from != null && to != null ? { x: { time: true, range: [from / 1000, to / 1000] } } : {},
    cursor: { drag: { x: false, y: false } },
  };
  const chart = new window.uPlot(opts, [xs.map((x) => x / 1000), ...series.map((s) => s.values)], box);
  charts.add({ chart, box });
  if (!observer) {
    observer = new ResizeObserver(() => {
      for (const c of charts) c.chart.setSize({ width: Math.max(240, c.box.clientWidth), height: c.chart.height });
    });
  }
  observer.observe(box);
  return () => {
    for (const c of charts) if (c.chart === chart) { charts.delete(c); observer.unobserve(box); }
    chart.destroy();
  };
}
