// The registry dashboard: indicators (one chart and table per dimension, and a cross table of the
// dimensions chosen) as the API publishes them, small cells suppressed by the server; and the
// linkage review queue. Same-origin API with the user's token (scopes registry.read, registry.review).
import type { Chart } from 'chart.js';
import { ApiError, call } from '../api.js';
import { onLangChange, t } from '../i18n.js';
import { $, announce, el, initShell } from '../shell.js';
import { download } from '../download.js';
import { barChart, suppressedFigures } from './charts.js';
import { dimLabel } from './labels.js';
import { decide, pairCard } from './review.js';
import { indicatorTable } from './table.js';
import { DIMENSIONS, type Dimension, type Indicators, type ReviewPage, type ReviewStatus } from './types.js';

const PAGE = 10;
let charts: Chart[] = [];
let offset = 0;

const indicatorsUrl = (by: Dimension[], column?: Dimension, format?: 'csv') =>
  `/registry/indicators?by=${by.join(',')}${column ? `&column=${column}` : ''}${format ? `&format=${format}` : ''}`;

function showError(e: unknown): void {
  if (!(e instanceof ApiError)) throw e;
  announce(e.status === 401 ? `${e.message} — ${t('auth.needed')}` : e.message, 'error');
}

async function loadCharts(): Promise<void> {
  for (const c of charts) c.destroy();
  charts = [];
  const box = $('#charts');
  box.replaceChildren();
  const results = await Promise.all(DIMENSIONS.map((d) => call<Indicators>('GET', indicatorsUrl([d])).then((r) => r.body)));
  const first = results[0];
  $('#indicators-summary').textContent = t('db.summary', { counted: first.counted, restricted: first.excluded.restricted, max: first.table.threshold - 1 });
  DIMENSIONS.forEach((d, i) => {
    const title = t('db.casesBy', { dim: dimLabel(d) });
    const canvas = el('canvas', { id: `chart-${d}` });
    const figure = el('figure', { class: 'chart-card', 'data-dimension': d },
      el('figcaption', {}, title),
      el('div', { class: 'chart-box' }, canvas),
      el('p', { class: 'chart-note' }, t('db.chartNote', { n: suppressedFigures(results[i].table) })),
      el('details', {}, el('summary', {}, t('db.showTable')), indicatorTable(results[i].table, title)),
    );
    box.append(figure);
    charts.push(barChart(canvas, results[i].table, title));
  });
}

function chosenDims(): { by: Dimension[]; column?: Dimension } {
  const by = DIMENSIONS.filter((d) => $<HTMLInputElement>(`#by-${d}`).checked);
  const column = $<HTMLSelectElement>('#column').value as Dimension;
  return { by, column: by.includes(column) ? column : undefined };
}

async function loadCross(): Promise<void> {
  const { by, column } = chosenDims();
  if (!by.length) return announce(t('db.chooseDims'), 'error');
  const r = await call<Indicators>('GET', indicatorsUrl(by, column));
  const { table } = r.body;
  const caption = t('db.crossCaption', { dims: table.dimensions.map(dimLabel).join(' × '), primary: table.suppressed.primary, secondary: table.suppressed.secondary });
  $('#cross').replaceChildren(el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, indicatorTable(table, caption)));
}

function fillDimensionControls(): void {
  const checked = new Set(DIMENSIONS.filter((d) => document.querySelector<HTMLInputElement>(`#by-${d}`)?.checked ?? (d === 'year' || d === 'sex')));
  $('#by-choices').replaceChildren(...DIMENSIONS.map((d) => {
    const box = el('input', { type: 'checkbox', id: `by-${d}`, value: d });
    box.checked = checked.has(d);
    return el('label', { class: 'check' }, box, ` ${dimLabel(d)}`);
  }));
  const column = $<HTMLSelectElement>('#column');
  const chosen = column.value || 'sex';
  column.replaceChildren(...DIMENSIONS.map((d) => el('option', { value: d }, dimLabel(d))));
  column.value = chosen;
}

async function loadReview(): Promise<void> {
  const status = $<HTMLSelectElement>('#review-status').value as ReviewStatus;
  const r = await call<ReviewPage>('GET', `/registry/review?status=${status}&_count=${PAGE}&_offset=${offset}`);
  const { total, items } = r.body;
  $('#review-count').textContent = t('db.reviewCount', { total, from: total ? offset + 1 : 0, to: offset + items.length });
  const list = $('#review-list');
  list.replaceChildren(...(items.length ? items.map((item) => pairCard(item, onDecide)) : [el('p', {}, t('db.noPairs'))]));
  $<HTMLButtonElement>('#prev').disabled = offset === 0;
  $<HTMLButtonElement>('#next').disabled = offset + items.length >= total;
}

async function onDecide(item: { id: string }, decision: 'confirmed' | 'rejected'): Promise<void> {
  try {
    const updated = await decide(item.id, decision);
    await loadReview();
    announce(t('db.decisionSaved', { status: t(`status.${updated.status}`), a: updated.a.recordId, b: updated.b.recordId }));
    $<HTMLHeadingElement>('#review-title').focus();
  } catch (e) {
    showError(e);
  }
}

async function loadAll(): Promise<void> {
  announce('');
  await Promise.all([loadCharts().then(loadCross), loadReview()]).catch(showError);
}

function init(): void {
  initShell();
  fillDimensionControls();
  $('#review-title').tabIndex = -1;
  onLangChange(() => {
    fillDimensionControls();
    void loadAll();
  });
  $('#cross-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadCross().catch(showError);
  });
  $('#csv').addEventListener('click', () => {
    const { by, column } = chosenDims();
    call<string>('GET', indicatorsUrl(by, column, 'csv'))
      .then((r) => download(`indicateurs-${by.join('-')}.csv`, r.body, 'text/csv'))
      .catch(showError);
  });
  $('#review-status').addEventListener('change', () => {
    offset = 0;
    loadReview().catch(showError);
  });
  $('#prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    loadReview().catch(showError);
  });
  $('#next').addEventListener('click', () => {
    offset += PAGE;
    loadReview().catch(showError);
  });
  $('#auth-form').addEventListener('submit', () => void loadAll());
  void loadAll();
}

init();
