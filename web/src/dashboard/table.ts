// An indicator table as an HTML table: row dimensions, the column dimension's values, the row
// totals, and the column totals as the last row. Suppressed figures are marked as such (text, not
// only a colour), exactly where the API published null.
import { t } from '../i18n.js';
import { el } from '../shell.js';
import { dimLabel, valueLabel } from './labels.js';
import type { IndicatorTable } from './types.js';

export function cell(n: number | null): HTMLTableCellElement {
  if (n !== null) return el('td', { class: 'num' }, String(n));
  return el('td', { class: 'num suppressed', 'data-suppressed': 'true', title: t('db.suppressedTitle') }, t('db.suppressed'));
}

export function indicatorTable(table: IndicatorTable, caption: string): HTMLTableElement {
  const single = !table.columnDimension;
  const head = el('tr', {},
    ...table.rowDimensions.map((d) => el('th', { scope: 'col' }, dimLabel(d))),
    ...(single ? [] : table.columns.map((c) => el('th', { scope: 'col', class: 'num' }, valueLabel(table.columnDimension, c)))),
    el('th', { scope: 'col', class: 'num' }, t('db.count')),
  );
  const body = el('tbody');
  const R = table.rows.length;
  for (let i = 0; i <= R; i++) {
    const figures = table.published[i] ?? [];
    const isTotal = i === R;
    const labels = isTotal
      ? [el('th', { scope: 'row', colspan: String(Math.max(1, table.rowDimensions.length)) }, t('db.total'))]
      : table.rows[i].map((v, k) => el('th', { scope: 'row' }, valueLabel(table.rowDimensions[k], v)));
    // A single-dimension table's first column duplicates the row total: only the total is shown.
    const cells = single ? [cell(figures[figures.length - 1] ?? null)] : figures.map((n) => cell(n));
    body.append(el('tr', isTotal ? { class: 'total' } : {}, ...labels, ...cells));
  }
  return el('table', { class: 'indicator' }, el('caption', {}, caption), el('thead', {}, head), body);
}
