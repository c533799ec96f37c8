// Bar charts of the indicators with Chart.js (tree-shaken: only the bar chart parts are bundled).
// A suppressed figure has no bar; the table under each chart says which ones are suppressed.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { t } from '../i18n.js';
import { valueLabel } from './labels.js';
import type { IndicatorTable } from './types.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

// Colours with at least 4.5:1 contrast on white (WCAG AA for the text they sit next to).
const PALETTE = ['#1d4f91', '#a4262c', '#2d6a2e', '#6b3fa0', '#8a5300', '#00607a', '#5c5c5c', '#9b1b5a'];

/** The figures a chart draws: a cross table's inner cells, a one-dimension table's row totals. */
const drawn = (table: IndicatorTable): (number | null)[][] =>
  table.published.slice(0, table.rows.length).map((r) => (table.columnDimension ? r.slice(0, table.columns.length) : [r[r.length - 1]]));

/** How many of the drawn figures the API suppressed (they get no bar). */
export const suppressedFigures = (table: IndicatorTable): number => drawn(table).flat().filter((n) => n === null).length;

export function barChart(canvas: HTMLCanvasElement, table: IndicatorTable, title: string): Chart {
  const labels = table.rows.map((r) => r.map((v, k) => valueLabel(table.rowDimensions[k], v)).join(' · '));
  const single = !table.columnDimension;
  const figures = drawn(table);
  const datasets = single
    ? [{ label: t('db.cases'), data: figures.map((r) => r[0]), backgroundColor: PALETTE[0] }]
    : table.columns.map((c, j) => ({ label: valueLabel(table.columnDimension, c), data: figures.map((r) => r[j]), backgroundColor: PALETTE[j % PALETTE.length] }));
  const suppressed = suppressedFigures(table);
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
