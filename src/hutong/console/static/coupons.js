// @ts-check
/**
 * Draw the Coupons page's charts (claims, uses, store visits, GMV per day; a series per stock) with
 * Chartkick.js on Chart.js, served from our own origin as on the analytics page (console/analytics.py).
 * The page carries the data as JSON in #chart-data.
 */
const Chartkick = /** @type {any} */ (window).Chartkick;
const source = document.getElementById('chart-data');
const charts = source ? JSON.parse(source.textContent || '{}') : {};
for (const element of document.querySelectorAll('[data-chart]')) {
  const name = /** @type {HTMLElement} */ (element).dataset.chart || '';
  const options = { legend: 'bottom', prefix: name === 'gmv' ? '¥' : '', round: name === 'gmv' ? 2 : 0 };
  if (Chartkick && charts[name]) new Chartkick.LineChart(element.id, charts[name], options);
}
