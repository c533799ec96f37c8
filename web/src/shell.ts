// What both pages share: the language switch, the sign-in panel (a Bearer token kept in
// sessionStorage, e.g. one printed by `npx oncofhir token`), and the status line for messages.
import { getToken, setToken } from './api.js';
import { applyTranslations, currentLang, setLang, t, type Lang } from './i18n.js';

export const $ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T => {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`missing element ${sel}`);
  return el;
};

/** Creates an element with text (never HTML: server text is shown as text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Shows a message in the page's live region (role=status, or role=alert for errors). */
export function announce(message: string, kind: 'info' | 'error' = 'info'): void {
  const box = $('#message');
  box.textContent = message;
  box.className = `message ${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.hidden = !message;
}

export function initShell(): void {
  applyTranslations();
  const select = $<HTMLSelectElement>('#lang');
  select.value = currentLang();
  select.addEventListener('change', () => setLang(select.value as Lang));

  const input = $<HTMLInputElement>('#token');
  const state = $('#token-state');
  const show = () => {
    state.textContent = getToken() ? t('auth.signedIn') : t('auth.signedOut');
  };
  input.value = getToken();
  $('#auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value);
    show();
    announce(getToken() ? t('auth.saved') : t('auth.cleared'));
  });
  $('#token-clear').addEventListener('click', () => {
    input.value = '';
    setToken('');
    show();
    announce(t('auth.cleared'));
  });
  show();
}
