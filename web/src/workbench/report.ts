// The report: counts by severity and one row per issue (severity, location, message, rule), each
// located issue with a button that shows its line in the source view.
import type { OperationOutcome, OutcomeIssue } from '../api.js';
import { t } from '../i18n.js';
import { el } from '../shell.js';
import type { Locator } from './locate.js';
import type { Severity } from './source-view.js';

export const severityOf = (i: OutcomeIssue): Severity => (i.severity === 'fatal' || i.severity === 'error' ? 'error' : i.severity === 'warning' ? 'warning' : 'information');

export interface Counts { error: number; warning: number; information: number }

export function countIssues(o: OperationOutcome): Counts {
  const c: Counts = { error: 0, warning: 0, information: 0 };
  for (const i of o.issue) c[severityOf(i)]++;
  return c;
}

/** Severity marks by line (the worst finding of a line wins). */
export function lineMarks(o: OperationOutcome, locate: Locator): Map<number, Severity> {
  const rank: Record<Severity, number> = { error: 3, warning: 2, information: 1 };
  const marks = new Map<number, Severity>();
  for (const i of o.issue) {
    const line = locate(i);
    const sev = severityOf(i);
    if (line && (!marks.has(line) || rank[sev] > rank[marks.get(line)!])) marks.set(line, sev);
  }
  return marks;
}

export function renderReport(container: HTMLElement, o: OperationOutcome, locate: Locator, onShowLine: (line: number) => void): void {
  const c = countIssues(o);
  const counts = el('p', { class: 'counts', 'data-testid': 'counts' },
    el('span', { class: 'count count-error', 'data-count': 'error' }, t('report.errors', { n: c.error })),
    el('span', { class: 'count count-warning', 'data-count': 'warning' }, t('report.warnings', { n: c.warning })),
    el('span', { class: 'count count-information', 'data-count': 'information' }, t('report.information', { n: c.information })),
  );
  const verdict = el('p', { class: `verdict ${c.error ? 'invalid' : 'valid'}` }, c.error ? t('report.invalid') : t('report.valid'));
  const head = el('tr', {}, ...['report.severity', 'report.location', 'report.message'].map((k) => el('th', { scope: 'col' }, t(k))));
  const body = el('tbody');
  for (const issue of o.issue) {
    const sev = severityOf(issue);
    const line = locate(issue);
    const where = el('td', { class: 'location' });
    const expr = [...(issue.expression ?? []), ...(issue.location ?? [])].join(', ');
    if (expr) where.append(el('code', {}, expr));
    if (line) {
      const b = el('button', { type: 'button', class: 'line-link', 'data-line': String(line) }, t('report.line', { n: line }));
      b.addEventListener('click', () => onShowLine(line));
      where.append(' ', b);
    }
    const rule = issue.details?.coding?.[0]?.code;
    const msg = el('td', {}, issue.diagnostics ?? issue.details?.text ?? issue.code);
    if (rule) msg.append(' ', el('span', { class: 'rule' }, `[${rule}]`));
    body.append(el('tr', { class: `issue sev-${sev}` }, el('td', {}, el('span', { class: `badge badge-${sev}` }, t(`sev.${sev}`))), where, msg));
  }
  const table = el('table', { class: 'issues' }, el('caption', { class: 'visually-hidden' }, t('report.caption')), el('thead', {}, head), body);
  container.replaceChildren(verdict, counts, table);
}
