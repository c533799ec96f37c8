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
