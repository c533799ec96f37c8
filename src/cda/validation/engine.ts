// The generic interpreter of the CDA rule tables (rule-types.ts): each rule selects its context
// elements, optionally filters them with `when`, runs its check and turns failures into issues
// located by XPath. Knows nothing about any particular rule.
import type { CdaElement } from '../dom.js';
import type { Check, CdaRule } from './rule-types.js';
import type { CdaIssue } from './issues.js';
import { select } from './path.js';
import { inValueSet } from './value-sets.js';
import { timestampProblem } from './timestamp.js';

/** A failed check: where (XPaths) and, when useful, what was found. */
interface Failure {
  at: string;
  found?: string;
}

export interface RunOptions {
  /** The XSD ran: rules that restate an XSD constraint (`xsd: true`) are skipped to avoid duplicates. */
  xsdChecked?: boolean;
}

export function runRules(doc: CdaElement, rules: CdaRule[], opts: RunOptions = {}): CdaIssue[] {
  const issues: CdaIssue[] = [];
  for (const rule of rules) {
    if (rule.xsd && opts.xsdChecked) continue;
    for (const ctx of select(doc, rule.context ?? '')) {
      if (rule.when && evaluate(ctx, rule.when).length) continue;
      const failures = evaluate(ctx, rule.check);
      if (!failures.length) continue;
      const found = failures.map((f) => f.found).filter((v): v is string => v !== undefined);
      issues.push({
        severity: rule.severity,
        code: rule.code ?? 'invariant',
        diagnostics: rule.message + (found.length ? ` Found: ${[...new Set(found)].map((v) => `"${v}"`).join(', ')}.` : ''),
        expression: rule.location !== undefined ? [joinXPath(ctx.xpath, rule.location)] : [...new Set(failures.map((f) => f.at))],
        rule: rule.id,
        source: rule.source,
      });
    }
  }
  return issues;
}

const joinXPath = (base: string, rel: string) => (rel ? `${base}/${rel}` : base);

/** Failures of a check on one context element (empty = the check holds). */
function evaluate(ctx: CdaElement, check: Check): Failure[] {
  if ('count' in check) {
    const hits = select(ctx, check.count);
    const min = check.min ?? 1;
    if (hits.length < min) return [{ at: joinXPath(ctx.xpath, check.count) }];
    if (check.max !== undefined && hits.length > check.max) return hits.slice(check.max).map((h) => ({ at: h.xpath }));
    return [];
  }
  if ('timestamp' in check) {
    const out: Failure[] = [];
    const attr = check.attr ?? 'value';
    for (const el of select(ctx, check.timestamp)) {
      const v = el.attrs[attr];
      if (v !== undefined && timestampProblem(v) === (check.level ?? 'format')) out.push({ at: `${el.xpath}/@${attr}`, found: v });
    }
    return out;
  }
  if ('attr' in check) {
    const out: Failure[] = [];
    for (const el of check.path ? select(ctx, check.path) : [ctx]) {
      const v = el.attrs[check.attr];
      const at = `${el.xpath}/@${check.attr}`;
      if (v === undefined) {
        if (!check.optional) out.push({ at });
        continue;
      }
      if (check.equals !== undefined && v !== check.equals) out.push({ at, found: v });
      else if (check.in && !check.in.includes(v)) out.push({ at, found: v });
      else if (check.pattern && !new RegExp(check.pattern).test(v)) out.push({ at, found: v });
      else if (check.valueSet && !inValueSet(check.valueSet, v)) out.push({ at, found: v });
    }
    return out;
  }
  if ('valueSet' in check) {
    const out: Failure[] = [];
    for (const el of check.path ? select(ctx, check.path) : [ctx]) {
      const code = el.attrs.code;
      // As the official rule: a missing @code is another rule's business (not(@code) or …).
      if (code !== undefined && !inValueSet(check.valueSet, code)) {
        out.push({ at: `${el.xpath}/@code`, found: code });
      }
    }
    return out;
  }
  if ('all' in check) return check.all.flatMap((c) => evaluate(ctx, c));
  if ('any' in check) {
    const results = check.any.map((c) => evaluate(ctx, c));
    return results.some((r) => !r.length) ? [] : results.flat();
  }
  if ('not' in check) return evaluate(ctx, check.not).length ? [] : [{ at: ctx.xpath }];
  throw new Error(`Unknown CDA rule check ${JSON.stringify(check)}`);
}
