// Record linkage: deterministic on the keyed INS, Fellegi–Sunter (EM) for the rest, registrar decisions on top,
// then union-find into persons. In memory: link(records, { decisions }) → { clusters, reviewPairs }.
import type { LinkResult, PairDecision, PersonRecord, ReviewPair } from './types.js';
import { comparePair, PATTERNS, prepare, type Prepared } from './compare.js';
import { candidatePairs } from './blocking.js';
import { estimate, scoreTable, type Model } from './fellegi-sunter.js';
import { UnionFind } from './union-find.js';
import { hmacHex, keyedIns, loadRegistryKey } from './keyed-ins.js';
import params from './params.json' with { type: 'json' };

export interface LinkOptions {
  decisions?: PairDecision[];
  /** HMAC secret for keyed INS and person keys; default from REGISTRY_KEY / REGISTRY_KEY_FILE, else ephemeral. */
  key?: Buffer;
  thresholds?: { autoLinkWeight: number; reviewWeight: number };
  onProgress?: (phase: string, done: number, total: number) => void;
}

export function prepareRecords(records: PersonRecord[], key: Buffer): Prepared[] {
  return records.map((r) => prepare(r, keyedIns(key, r.ins, r.birthDate, r.sex)));
}

export function link(records: PersonRecord[], opts: LinkOptions = {}): ReturnType<typeof linkPrepared> {
  const key = opts.key ?? loadRegistryKey().secret;
  return linkPrepared(prepareRecords(records, key), { ...opts, key });
}

export function linkPrepared(recs: Prepared[], opts: LinkOptions & { key: Buffer }): LinkResult & { model: Model; timings: Record<string, number> } {
  const n = recs.length;
  const thresholds = opts.thresholds ?? params.thresholds;
  const progress = opts.onProgress ?? (() => {});
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => { const now = performance.now(); timings[name] = Math.round(now - t); t = now; };
  const { pairs } = candidatePairs(recs, params.blocking, params.maxBlockSize);
  const np = pairs.length;
  lap('blockingMs');

  // 1. Comparison vectors; pairs where both records carry a keyed INS are decided deterministically.
  const pattern = new Int32Array(np); // -1 = same INS, -2 = different INS
  const histogram = new Float64Array(PATTERNS);
  const step = Math.max(1, Math.floor(np / 100));
  for (let k = 0; k < np; k++) {
    const i = Math.floor(pairs[k] / n), j = pairs[k] - i * n;
    const a = recs[i], b = recs[j];
    if (a.keyedIns && b.keyedIns) {
      pattern[k] = a.keyedIns === b.keyedIns ? -1 : params.distinctInsMeansDistinctPersons ? -2 : comparePair(a, b);
    } else pattern[k] = comparePair(a, b);
    if (pattern[k] >= 0) histogram[pattern[k]]++;
    if (k % step === 0) progress('compare', k, np);
  }
  progress('compare', np, np);
  lap('compareMs');

  // 2. EM, then a weight and a probability per pattern.
  const model = estimate(histogram);
  const { weight, probability } = scoreTable(model);

  // 3. Decisions override the model; rejected pairs also forbid any merge joining their two records.
  const index = new Map(recs.map((r, i) => [r.id, i] as const));
  const decided = new Map<number, 'confirmed' | 'rejected'>();
  const cannot = new Map<number, number[]>(); // record → records it must stay apart from
  for (const d of opts.decisions ?? []) {
    const i = index.get(d.a), j = index.get(d.b);
    if (i === undefined || j === undefined || i === j) continue;
    decided.set(Math.min(i, j) * n + Math.max(i, j), d.decision);
    if (d.decision === 'rejected') { (cannot.get(i) ?? cannot.set(i, []).get(i)!).push(j); (cannot.get(j) ?? cannot.set(j, []).get(j)!).push(i); }
  }
  const uf = new UnionFind(n);
  const members = new Map<number, number[]>(); // root → constrained records in its set
  // A person never holds two different keyed INS, even through a chain of probabilistic links.
  const insOf: (string | undefined)[] = recs.map((r) => r.keyedIns);
  for (const r of cannot.keys()) members.set(r, [r]);
  const tryUnion = (i: number, j: number): boolean => {
    const ri = uf.find(i), rj = uf.find(j);
    if (ri === rj) return false;
    const ci = members.get(ri), cj = members.get(rj);
    if (params.distinctInsMeansDistinctPersons && insOf[ri] && insOf[rj] && insOf[ri] !== insOf[rj]) return false;
    if (ci && cj) for (const x of ci) for (const y of cannot.get(x)!) if (uf.find(y) === rj) return false;
    const root = uf.union(ri, rj);
    insOf[root] = insOf[ri] ?? insOf[rj];
    if (ci || cj) { members.delete(ri); members.delete(rj); members.set(root, [...(ci ?? []), ...(cj ?? [])]); }
    return true;
  };

  // 4. Links, strongest first, so that a forbidden merge keeps the best-supported side.
  let links = 0, deterministic = 0;
  for (const d of opts.decisions ?? []) {
    const i = index.get(d.a), j = index.get(d.b);
    if (d.decision === 'confirmed' && i !== undefined && j !== undefined && tryUnion(i, j)) links++;
  }
  const linkIdx: number[] = [];
  const review: number[] = [];
  for (let k = 0; k < np; k++) {
    const p = pattern[k];
    if (decided.has(pairs[k])) continue;
    if (p === -1) { if (tryUnion(Math.floor(pairs[k] / n), pairs[k] % n)) { links++; deterministic++; } continue; }
    if (p < 0) continue;
    if (weight[p] >= thresholds.autoLinkWeight) linkIdx.push(k);
    else if (weight[p] >= thresholds.reviewWeight) review.push(k);
  }
  linkIdx.sort((x, y) => weight[pattern[y]] - weight[pattern[x]]);
  for (const k of linkIdx) if (tryUnion(Math.floor(pairs[k] / n), pairs[k] % n)) links++;

  lap('emAndLinksMs');
  // 5. Review pairs not already joined through other links.
  const reviewPairs: ReviewPair[] = [];
  for (const k of review) {
    const i = Math.floor(pairs[k] / n), j = pairs[k] % n;
    if (uf.find(i) === uf.find(j)) continue;
    const p = pattern[k];
    reviewPairs.push({ a: recs[i].id, b: recs[j].id, weight: Math.round(weight[p] * 100) / 100, probability: Math.round(probability[p] * 1e4) / 1e4 });
  }
  reviewPairs.sort((x, y) => y.weight - x.weight);

  // 6. Persons and their stable keys: the keyed INS when any record has it, else an HMAC of the smallest recordId.
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const r = uf.find(i); const c = byRoot.get(r); if (c) c.push(i); else byRoot.set(r, [i]); }
  const personKeyOf = new Map<string, string>();
  const clusters: string[][] = [];
  for (const c of byRoot.values()) {
    const ids = c.map((i) => recs[i].id);
    const ins = c.map((i) => recs[i].keyedIns).filter((x): x is string => !!x).sort()[0];
    const personKey = ins ?? hmacHex(opts.key, `record|${ids.reduce((a, b) => (b < a ? b : a))}`);
    for (const id of ids) personKeyOf.set(id, personKey);
    clusters.push(ids);
  }
  return {
    personKeyOf, clusters, reviewPairs, model,
    timings,
    stats: { records: n, persons: clusters.length, candidatePairs: np, links, deterministicLinks: deterministic, reviewPairs: reviewPairs.length, emIterations: model.iterations },
  };
}
