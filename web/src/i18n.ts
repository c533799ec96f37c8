// Interface text as data (web/i18n/<lang>.json): elements name their text with data-i18n="key" and
// their attributes with data-i18n-attr="aria-label:key;placeholder:key". French by default, English
// when the browser prefers it or the user chooses it (kept in localStorage).
import fr from '../i18n/fr.json';
import en from '../i18n/en.json';

export type Lang = 'fr' | 'en';
const STRINGS: Record<Lang, Record<string, string>> = { fr, en };
const KEY = 'oncofhir.lang';
const listeners: (() => void)[] = [];

function initial(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'fr' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

let lang: Lang = initial();

export const currentLang = (): Lang => lang;

/** The text of a key, with {name} placeholders filled; the key itself when missing (visible in tests). */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const s = STRINGS[lang][key] ?? STRINGS.fr[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? `{${k}}`));
}

export function applyTranslations(root: ParentNode = document): void {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n!);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr!.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(KEY, next);
  applyTranslations();
  for (const f of listeners) f();
}

/** Re-render what is built from data (reports, tables) when the language changes. */
export function onLangChange(f: () => void): void {
  listeners.push(f);
}
