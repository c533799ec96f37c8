// The linkage review queue: proposed pairs with their score and field-by-field comparison; a
// registrar confirms or rejects each (POST /registry/review/{id}, audited by the server).
import { call } from '../api.js';
import { t } from '../i18n.js';
import { el } from '../shell.js';
import type { ReviewItem, ReviewStatus } from './types.js';

const fieldLabel = (f: string) => (t(`field.${f}`) === `field.${f}` ? f : t(`field.${f}`));
const levelLabel = (l: string) => (t(`level.${l}`) === `level.${l}` ? l : t(`level.${l}`));

export function decide(id: string, decision: Exclude<ReviewStatus, 'pending'>): Promise<ReviewItem> {
  return call<ReviewItem>('POST', `/registry/review/${encodeURIComponent(id)}`, { body: JSON.stringify({ decision }), contentType: 'application/json' }).then((r) => r.body);
}

export function pairCard(item: ReviewItem, onDecide: (item: ReviewItem, decision: 'confirmed' | 'rejected') => void): HTMLElement {
  const titleId = `pair-${item.id}`;
  const score = t('db.score', { weight: item.weight.toFixed(1), probability: (item.probability * 100).toFixed(1) });
  const head = el('tr', {}, ...['db.field', 'db.recordA', 'db.recordB', 'db.agreement', 'db.weight'].map((k) => el('th', { scope: 'col' }, t(k))));
  const rows = item.fields.map((f) =>
    el('tr', { class: `level-${f.level}` },
      el('th', { scope: 'row' }, fieldLabel(f.field)),
      el('td', {}, f.a ?? '—'),
      el('td', {}, f.b ?? '—'),
      el('td', {}, levelLabel(f.level)),
      el('td', { class: 'num' }, f.weight.toFixed(2)),
    ),
  );
  const card = el('article', { class: 'pair', 'data-id': item.id, 'aria-labelledby': titleId },
    el('h3', { id: titleId }, `${item.a.recordId} ↔ ${item.b.recordId}`),
    el('p', { class: 'score' }, score),
    el('p', { class: 'sources' }, `A : ${item.a.source ?? item.a.recordId} — B : ${item.b.source ?? item.b.recordId}`),
    el('table', { class: 'comparison' }, el('caption', { class: 'visually-hidden' }, t('db.comparison')), el('thead', {}, head), el('tbody', {}, ...rows)),
  );
  if (item.status === 'pending') {
    const confirm = el('button', { type: 'button', class: 'primary', 'data-decision': 'confirmed', 'aria-describedby': titleId }, t('db.confirm'));
    const reject = el('button', { type: 'button', 'data-decision': 'rejected', 'aria-describedby': titleId }, t('db.reject'));
    confirm.addEventListener('click', () => onDecide(item, 'confirmed'));
    reject.addEventListener('click', () => onDecide(item, 'rejected'));
    card.append(el('div', { class: 'actions' }, confirm, reject));
  } else {
    card.append(el('p', { class: 'decided' }, t('db.decided', { status: t(`status.${item.status}`), by: item.decidedBy ?? '?', at: item.decidedAt ?? '' })));
  }
  return card;
}
