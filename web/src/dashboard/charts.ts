// Bar charts of the indicators with Chart.js (tree-shaken: only the bar chart parts are bundled).
// A suppressed figure has no bar; the table under each chart says which ones are suppressed.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { t } from '../i18n.js';
import { valueLabel } from './labels.js';
import type { IndicatorTable } from './types.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

// Colours with at least 4.5:1 contrast on white (WCAG AA for the text they sit next to).
const PALETTE = ['#1d4f91', '#a4262c', '#2d6a2e', '#6b3fa0', '#8a5300', '#00607a', '#5c5c5c', '#9b1b5a'];

export function barChart(canvas: HTMLCanvasElement, table: IndicatorTable, title: string): Chart {
  const R = table.rows.length;
  const labels = table.rows.map((r) => r.map((v, k) => valueLabel(table.rowDimensions[k], v)).join(' · '));
  const single = !table.columnDimension;
  const datasets = single
    ? [{ label: t('db.cases'), data: table.published.slice(0, R).map((r) => r[r.length - 1]), backgroundColor: PALETTE[0] }]
    : table.columns.map((c, j) => ({ label: valueLabel(table.columnDimension, c), data: table.published.slice(0, R).map((r) => r[j]), backgroundColor: PALETTE[j % PALETTE.length] }));
  const suppressed = table.published.slice(0, R).flat().filter((n) => n === null).length - (single ? R : 0);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${title} — ${t('db.chartAlt', { n: suppressed })}`);
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: !single }, title: { display: false } },
      scales: { x: { stacked: !single }, y: { stacked: !single, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}
