// Synthetic French-like populations for linkage accuracy and speed: persons with 1–3 records each and the
// errors registries meet — typos, given names reordered or truncated, married names (used name, or the used
// name entered as birth name), day/month swaps and mistyped digits, records without INS, twins, common
// surnames shared by unrelated people. Records with an INS carry the reference identity traits (INSi-qualified).
import type { PersonRecord } from './types.js';
import names from './french-names.json' with { type: 'json' };

export interface PopulationOptions {
  records: number;
  seed?: number;
  /** Share of records without INS. */
  noInsShare?: number;
  twinShare?: number;
}
export interface Population { records: PersonRecord[]; personOf: string[] }

function rng(seed: number) { // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(list: (string | number)[][]) {
  const total = list.reduce((a, x) => a + (x[1] as number), 0);
  const cum: number[] = []; let c = 0;
  for (const x of list) cum.push((c += (x[1] as number) / total));
  return (r: number) => { let lo = 0, hi = cum.length - 1; while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] < r) lo = mid + 1; else hi = mid; } return list[lo][0] as string; };
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function typo(s: string, r: () => number): string {
  if (s.length < 3) return s;
  const i = 1 + Math.floor(r() * (s.length - 1));
  switch (Math.floor(r() * 4)) {
    case 0: return s.slice(0, i) + ALPHA[Math.floor(r() * 26)] + s.slice(i + 1); // substitution
    case 1: return s.slice(0, i) + s.slice(i + 1); // deletion
    case 2: return s.slice(0, i) + ALPHA[Math.floor(r() * 26)] + s.slice(i); // insertion
    default: return i < s.length - 1 ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s; // transposition
  }
}

export function generatePopulation(opts: PopulationOptions): Population {
  const r = rng(opts.seed ?? 42);
  const noIns = opts.noInsShare ?? 0.4, twinShare = opts.twinShare ?? 0.02;
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const common = weighted(names.surnames);
  const given = { M: weighted(names.givenNames.M), F: weighted(names.givenNames.F) };
  const { start, middle, end } = names.syllables;
  // Tail surnames: about one per three persons, drawn with a skew so that some are shared by many.
  const persons = Math.ceil(opts.records / 1.6);
  const tail = new Set<string>();
  const tailSize = Math.max(200, Math.floor(persons / 3));
  while (tail.size < tailSize) tail.add(pick(start) + pick(middle) + (r() < 0.5 ? pick(middle) : '') + pick(end));
  const tailList = [...tail];
  const surname = () => (r() < 0.08 ? common(r()) : tailList[Math.floor(tailList.length * r() ** 1.5)]);
  const pad = (x: number, w: number) => String(x).padStart(w, '0');

  interface Person { id: string; sex: 'M' | 'F'; birthName: string; married?: string; given: string[]; date: string; nir: string; birthplace: string; postal: string }
  const people: Person[] = [];
  let serial = 0;
  const newPerson = (base?: Person): Person => {
    const sex: 'M' | 'F' = base ? base.sex : r() < 0.5 ? 'M' : 'F';
    const y = 1930 + Math.floor(r() * 76), m = 1 + Math.floor(r() * 12), d = 1 + Math.floor(r() * 28);
    const date = base ? base.date : `${y}-${pad(m, 2)}-${pad(d, 2)}`;
    const dept = base ? base.birthplace.slice(0, 2) : pad(1 + Math.floor(r() * 95), 2);
    const birthplace = base ? base.birthplace : dept + pad(1 + Math.floor(r() * 600), 3);
    const n = 1 + Math.floor(r() * r() * 3);
    let gv = Array.from({ length: n }, () => given[sex](r()));
    if (base) while (gv[0] === base.given[0]) gv[0] = given[sex](r());
    gv = [...new Set(gv)];
    serial++;
    const nir = (sex === 'M' ? '1' : '2') + date.slice(2, 4) + date.slice(5, 7) + birthplace + pad(serial % 1000, 3);
    return {
      id: `P${serial}`, sex, birthName: base ? base.birthName : surname(), given: gv, date, nir, birthplace,
      postal: base ? base.postal : pad(1 + Math.floor(r() * 95), 2) + pad(Math.floor(r() * 1000), 3),
      married: sex === 'F' && r() < 0.5 ? surname() : undefined,
    };
  };
  while (people.length < persons) {
    const p = newPerson();
    people.push(p);
    if (r() < twinShare) people.push(newPerson(p));
  }

  const records: PersonRecord[] = [];
  const personOf: string[] = [];
  let rid = 0;
  for (const p of people) {
    if (records.length >= opts.records) break;
    const k = r() < 0.5 ? 1 : r() < 0.66 ? 2 : 3;
    for (let c = 0; c < k && records.length < opts.records; c++) {
      const rec: PersonRecord = { recordId: `R${pad(++rid, 8)}`, birthName: p.birthName, givenNames: [...p.given], birthDate: p.date, sex: p.sex };
      if (p.married && r() < 0.7) rec.usedName = p.married;
      if (r() >= noIns) rec.ins = p.nir + pad(97 - (Number(p.nir.slice(0, 13).replace(/[AB]/, '0')) % 97), 2);
      else {
        // Unqualified identity: the errors producers make.
        if (p.married && r() < 0.1) { rec.birthName = p.married; delete rec.usedName; }
        if (r() < 0.04) rec.birthName = typo(rec.birthName, r);
        if (r() < 0.03) rec.givenNames[0] = typo(rec.givenNames[0], r);
        if (rec.givenNames.length > 1 && r() < 0.15) rec.givenNames.reverse();
        if (rec.givenNames.length > 1 && r() < 0.3) rec.givenNames = rec.givenNames.slice(0, 1);
        const [y, m, d] = p.date.split('-');
        const u = r();
        if (u < 0.02 && Number(d) <= 12 && d !== m) rec.birthDate = `${y}-${d}-${m}`;
        else if (u < 0.04) { const i = [2, 3, 6, 9][Math.floor(r() * 4)]; const dd = p.date.split(''); dd[i] = String(Math.floor(r() * 10)); const t = dd.join(''); if (!Number.isNaN(Date.parse(t))) rec.birthDate = t; }
      }
      if (r() < 0.7) rec.birthplaceCode = p.birthplace;
      const u = r();
      if (u < 0.8) rec.postalCode = p.postal; else if (u < 0.9) rec.postalCode = pad(1 + Math.floor(r() * 95), 2) + pad(Math.floor(r() * 1000), 3);
      records.push(rec);
      personOf.push(p.id);
    }
  }
  // Producers send in any order.
  for (let i = records.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [records[i], records[j]] = [records[j], records[i]]; [personOf[i], personOf[j]] = [personOf[j], personOf[i]]; }
  return { records, personOf };
}

/** Pairwise precision and recall of predicted person keys against the truth. */
export function pairwiseAccuracy(predicted: string[], truth: string[]): { precision: number; recall: number; truePairs: number; predictedPairs: number; correctPairs: number } {
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const count = (keys: string[]) => { const m = new Map<string, number>(); for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1); return m; };
  const both = count(predicted.map((p, i) => p + '\u0000' + truth[i]));
  let correct = 0, pred = 0, tru = 0;
  for (const v of both.values()) correct += c2(v);
  for (const v of count(predicted).values()) pred += c2(v);
  for (const v of count(truth).values()) tru += c2(v);
  return { precision: pred ? correct / pred : 1, recall: tru ? correct / tru : 1, truePairs: tru, predictedPairs: pred, correctPairs: correct };
}
