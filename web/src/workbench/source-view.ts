// The source next to the report: numbered lines, the lines of findings marked by severity (class,
// and a text marker for screen readers, so colour is not the only cue), and a way to jump to one.
import { el } from '../shell.js';
import { t } from '../i18n.js';

export type Severity = 'error' | 'warning' | 'information';

export function renderSource(container: HTMLElement, text: string, marks: Map<number, Severity>): void {
  const lines = text.split(/\r\n|\r|\n/);
  const list = el('ol', { class: 'source-lines' });
  lines.forEach((line, i) => {
    const n = i + 1;
    const sev = marks.get(n);
    const li = el('li', { id: `L${n}`, 'data-line': String(n), ...(sev ? { class: `hl-${sev}` } : {}) });
    if (sev) li.append(el('span', { class: 'visually-hidden' }, `${t(`sev.${sev}`)} : `));
    li.append(el('code', {}, line || ' '));
    list.append(li);
  });
  container.replaceChildren(list);
}

/** Scrolls the source view to a line, focuses it for keyboard users and flashes it. */
export function showLine(container: HTMLElement, line: number): void {
  const li = container.querySelector<HTMLElement>(`#L${line}`);
  if (!li) return;
  for (const c of container.querySelectorAll('.current')) c.classList.remove('current');
  li.classList.add('current');
  li.tabIndex = -1;
  li.scrollIntoView({ block: 'center' });
  li.focus({ preventScroll: true });
}
