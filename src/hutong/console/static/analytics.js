// @ts-check
/**
 * Draw the analytics page's charts with Chartkick.js (on Chart.js), both served from our own origin
 * out of the chartkick package. The page carries the data as JSON in #chart-data.
 */
const Chartkick = /** @type {any} */ (window).Chartkick;
const source = document.getElementById('chart-data');
const charts = source ? JSON.parse(source.textContent || '{}') : {};
/** @type {Record<string, (id: string, data: any) => void>} */
const draw = {
  trend: (id, data) => new Chartkick.LineChart(id, data, { legend: 'bottom' }),
  hourly: (id, data) => new Chartkick.ColumnChart(id, data, { legend: 'bottom', stacked: false }),
  scenes: (id, data) => new Chartkick.PieChart(id, data, { legend: 'right' }),
  errors: (id, data) => new Chartkick.ColumnChart(id, data, { colors: ['#d9534f'] }),
};
for (const element of document.querySelectorAll('[data-chart]')) {
  const name = /** @type {HTMLElement} */ (element).dataset.chart || '';
  if (Chartkick && draw[name] && charts[name]) draw[name](element.id, charts[name]);
}
