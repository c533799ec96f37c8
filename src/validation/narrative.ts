// txt-1 and txt-2 natively: the XHTML of a narrative may only use basic formatting elements, and no scripting
// (event attributes, javascript: urls). fhirpath.js has no htmlChecks(), so the check lives here.
import type { Issue } from '../fhir/errors.js';
import rules from './xhtml-rules.json' with { type: 'json' };

const ALLOWED = new Set(rules.elements);

export function checkNarrativeXhtml(div: string, path: string): Issue[] {
  const issues: Issue[] = [];
  const bad = new Set<string>();
  let scripting = false;
  for (const m of div.matchAll(/<([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g)) {
    const name = m[1].toLowerCase().replace(/^xhtml:/, '');
    if (!ALLOWED.has(name)) bad.add(name);
    const attrs = m[2] ?? '';
    if (/\son[a-z]+\s*=/i.test(attrs) || /=\s*["']?\s*javascript:/i.test(attrs)) scripting = true;
  }
  if (!/<img[\s>/]/i.test(div) && !div.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;/g, ' ').trim()) {
    issues.push({ severity: 'error', code: 'invariant', diagnostics: 'Constraint txt-2 failed: The narrative SHALL have some non-whitespace content', expression: [path] });
  }
  if (!bad.size && !scripting) return issues;
  issues.push({ severity: 'error', code: 'invariant', diagnostics: 'Constraint txt-1 failed: The narrative SHALL contain only the basic html formatting elements and attributes described in chapters 7-11 (except section 4 of chapter 9) and 15 of the HTML 4.0 standard, <a> elements (either name or href), images and internally contained style attributes', expression: [path] });
  for (const b of bad) issues.push({ severity: 'error', code: 'value', diagnostics: `Invalid element name in the XHTML ('${b}')`, expression: [path] });
  if (scripting) issues.push({ severity: 'error', code: 'value', diagnostics: 'The XHTML contains scripting (an on* event attribute or a javascript: url)', expression: [path] });
  return issues;
}

/** Names an internal link (`href="#x"`) may point to: `id`/`name` attributes in the resource's narratives, and element ids. */
export function narrativeAnchors(resource: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (key === 'id') out.add(v);
      else if (key === 'div') for (const m of v.matchAll(/\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.add(m[1] ?? m[2]);
    } else if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (typeof v === 'object' && v !== null) for (const k in v) walk((v as Record<string, unknown>)[k], k);
  };
  walk(resource, '');
  return out;
}

/** Internal hyperlinks of a narrative (`<a href="#x">`) must resolve to an anchor of the same resource. */
export function checkNarrativeLinks(div: string, path: string, anchors: () => Set<string>): Issue[] {
  if (!div.includes('#')) return [];
  const issues: Issue[] = [];
  for (const m of div.matchAll(/<a\s[^>]*?href\s*=\s*(?:"#([^"]+)"|'#([^']+)')[^>]*>([\s\S]*?)<\/a>/gi)) {
    const ref = decodeEntities(m[1] ?? m[2]);
    if (anchors().has(ref)) continue;
    const text = m[3].replace(/<[^>]*>/g, '').trim();
    issues.push({ severity: 'error', code: 'value', diagnostics: `The hyperlink '#${ref}'${text ? ` ('${text}')` : ''} does not resolve to an element of this narrative or resource`, expression: [path] });
  }
  return issues;
}

const decodeEntities = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'");
