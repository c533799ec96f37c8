// A tiny XPath subset for the CDA rule tables: relative location paths of local names, '//' for
// descendants, '*' for any element, and predicates. Compiled once per distinct path string.
//   recordTarget/patientRole/patient/name/family[@qualifier='BR']
//   legalAuthenticator[signatureCode/@code='S']
//   id[@root=('1.2.250.1.213.1.4.8','1.2.250.1.213.1.4.10')]
//   given[not(@qualifier)]        templateId[@root!='x']        //section[code]
import type { CdaElement } from '../dom.js';

type Pred = (el: CdaElement) => boolean;
interface Step {
  name: string;
  descendant: boolean;
  preds: Pred[];
  /** [n]: the n-th match (1-based) under each parent, after the other predicates. */
  position?: number;
}

const cache = new Map<string, Step[]>();

/** Elements reached from ctx by the path ('' = ctx itself), in document order. */
export function select(ctx: CdaElement, path: string): CdaElement[] {
  let steps = cache.get(path);
  if (!steps) cache.set(path, (steps = compile(path)));
  let cur = [ctx];
  for (const s of steps) {
    const next: CdaElement[] = [];
    for (const e of cur) {
      const pool = s.descendant ? descendantsOf(e) : e.children;
      const hits = pool.filter((c) => (s.name === '*' || c.name === s.name) && s.preds.every((p) => p(c)));
      if (s.position === undefined) next.push(...hits);
      else if (hits[s.position - 1]) next.push(hits[s.position - 1]);
    }
    cur = next;
  }
  return cur;
}

// The tree is read-only once parsed, so each element's descendant list is built once and reused by
// every '//' rule (a document is walked once instead of once per rule).
const descendantCache = new WeakMap<CdaElement, CdaElement[]>();

function descendantsOf(el: CdaElement): CdaElement[] {
  const cached = descendantCache.get(el);
  if (cached) return cached;
  const out: CdaElement[] = [];
  descendantCache.set(el, out);
  const walk = (e: CdaElement) => {
    for (const c of e.children) {
      out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** Splits on a separator outside brackets, parentheses and quotes. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    } else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
  }
  out.push(s.slice(start));
  return out;
}

function compile(path: string): Step[] {
  if (!path) return [];
  const steps: Step[] = [];
  let descendant = false;
  for (const raw of splitTop(path, '/')) {
    if (raw === '') {
      descendant = true;
      continue;
    }
    const open = raw.indexOf('[');
    const name = open < 0 ? raw : raw.slice(0, open);
    const preds: Pred[] = [];
    let position: number | undefined;
    if (open >= 0) {
      // '[a][b]' → 'a', 'b'
      let rest = raw.slice(open);
      while (rest.startsWith('[')) {
        const parts = splitTop(rest.slice(1), ']');
        const expr = parts[0].trim();
        if (/^\d+$/.test(expr)) position = Number(expr);
        else preds.push(compilePred(expr));
        rest = rest.slice(parts[0].length + 2);
      }
      if (rest) throw new Error(`Bad path step '${raw}' in '${path}'`);
    }
    steps.push({ name, descendant, preds, position });
    descendant = false;
  }
  return steps;
}

const unquote = (s: string) => s.trim().replace(/^['"]|['"]$/g, '');

function compilePred(expr: string): Pred {
  const ors = splitTop(expr, ' or ');
  if (ors.length > 1) {
    const ps = ors.map((o) => compilePred(o.trim()));
    return (el) => ps.some((p) => p(el));
  }
  const ands = splitTop(expr, ' and ');
  if (ands.length > 1) {
    const ps = ands.map((a) => compilePred(a.trim()));
    return (el) => ps.every((p) => p(el));
  }
  const not = /^not\((.*)\)$/.exec(expr);
  if (not) {
    const p = compilePred(not[1].trim());
    return (el) => !p(el);
  }
  const cmp = /^(.*?)\s*(!=|=)\s*(\(.*\)|'[^']*'|"[^"]*")$/.exec(expr);
  const operand = cmp ? cmp[1] : expr;
  // operand: '@a' or 'rel/path/@a' or 'rel/path'
  const at = operand.lastIndexOf('@');
  const rel = at < 0 ? operand : operand.slice(0, at).replace(/\/$/, '');
  const attr = at < 0 ? undefined : operand.slice(at + 1);
  const values = (el: CdaElement): string[] => {
    const targets = rel ? select(el, rel) : [el];
    if (attr === undefined) return targets.map(() => '');
    return targets.map((t) => t.attrs[attr]).filter((v): v is string => v !== undefined);
  };
  if (!cmp) return (el) => values(el).length > 0;
  const list = cmp[3].startsWith('(') ? splitTop(cmp[3].slice(1, -1), ',').map(unquote) : [unquote(cmp[3])];
  if (cmp[2] === '=') return (el) => values(el).some((v) => list.includes(v));
  return (el) => values(el).some((v) => !list.includes(v));
}
