// Fellegi–Sunter model with m, u and the match share λ estimated by EM (Winkler 1988; fastLink, Enamorado et al. 2019)
// over the histogram of comparison patterns of the candidate pairs — cheap whatever the number of pairs.
import { FIELDS, PATTERNS, decodePattern } from './compare.js';
import params from './params.json' with { type: 'json' };

export interface Model { m: number[][]; u: number[][]; lambda: number; iterations: number }

const priors = params.priors as Record<string, { m: number[]; u: number[] }>;
const decoded = Array.from({ length: PATTERNS }, (_, p) => decodePattern(p));
const EPS = 1e-6;
// Rule caps (params.json): a pattern with this field at this level is never auto-linked.
const caps = params.caps.map((c) => ({ field: FIELDS.findIndex((f) => f.name === c.field), level: c.level, atMost: c.atMost }));

function likelihoods(model: Model, p: number): [number, number] {
  let lm = 1, lu = 1;
  const lv = decoded[p];
  for (let f = 0; f < FIELDS.length; f++) {
    if (lv[f] === FIELDS[f].levels) continue; // missing: no evidence
    lm *= model.m[f][lv[f]];
    lu *= model.u[f][lv[f]];
  }
  return [lm, lu];
}

export function estimate(histogram: Float64Array): Model {
  const model: Model = { m: FIELDS.map((f) => [...priors[f.name].m]), u: FIELDS.map((f) => [...priors[f.name].u]), lambda: params.em.priorMatchShare, iterations: 0 };
  const total = histogram.reduce((a, b) => a + b, 0);
  if (!total) return model;
  for (let it = 0; it < params.em.iterations; it++) {
    const mAcc = FIELDS.map((f) => new Array<number>(f.levels).fill(EPS));
    const uAcc = FIELDS.map((f) => new Array<number>(f.levels).fill(EPS));
    let matches = 0;
    for (let p = 0; p < PATTERNS; p++) {
      const c = histogram[p];
      if (!c) continue;
      const [lm, lu] = likelihoods(model, p);
      const g = (model.lambda * lm) / (model.lambda * lm + (1 - model.lambda) * lu);
      matches += c * g;
      const lv = decoded[p];
      for (let f = 0; f < FIELDS.length; f++) {
        if (lv[f] === FIELDS[f].levels) continue;
        mAcc[f][lv[f]] += c * g;
        uAcc[f][lv[f]] += c * (1 - g);
      }
    }
    // Floored so that a level never seen in one class does not get an infinite weight.
    const norm = (v: number[]) => { const s = v.reduce((a, b) => a + b, 0); const f = v.map((x) => Math.max(params.probabilityFloor, x / s)); const t = f.reduce((a, b) => a + b, 0); return f.map((x) => x / t); };
    const newLambda = Math.min(1 - EPS, Math.max(EPS, matches / total));
    const delta = Math.abs(newLambda - model.lambda);
    model.m = mAcc.map(norm);
    model.u = uAcc.map(norm);
    model.lambda = newLambda;
    model.iterations = it + 1;
    if (delta < params.em.tolerance) break;
  }
  return model;
}

/** Per pattern: match weight log2(m/u) and posterior match probability. */
export function scoreTable(model: Model): { weight: Float64Array; probability: Float64Array } {
  const weight = new Float64Array(PATTERNS), probability = new Float64Array(PATTERNS);
  for (let p = 0; p < PATTERNS; p++) {
    const [lm, lu] = likelihoods(model, p);
    weight[p] = Math.log2(lm / lu);
    probability[p] = (model.lambda * lm) / (model.lambda * lm + (1 - model.lambda) * lu);
    const lv = decoded[p];
    for (const c of caps) {
      if (lv[c.field] !== c.level || weight[p] < params.thresholds.autoLinkWeight) continue;
      weight[p] = c.atMost === 'review' ? params.thresholds.reviewWeight : -Infinity;
      // The probability follows the capped weight, so that a reviewer never sees "certain" on a capped pair.
      const odds = (model.lambda / (1 - model.lambda)) * 2 ** weight[p];
      probability[p] = odds / (1 + odds);
    }
  }
  return { weight, probability };
}
