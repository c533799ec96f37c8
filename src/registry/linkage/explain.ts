// Why a pair scored what it did: each field's agreement level and its match weight log2(m/u) under
// the fitted model, for the registrars' review queue.
import { decodePattern, comparePair, FIELDS, type Prepared } from './compare.js';
import type { Model } from './fellegi-sunter.js';
import levelNames from './level-names.json' with { type: 'json' };

export interface FieldComparison { field: string; level: string; weight: number }

export function explainPair(model: Model, a: Prepared, b: Prepared): FieldComparison[] {
  const levels = decodePattern(comparePair(a, b));
  return FIELDS.map((f, i) => {
    const lv = levels[i];
    const missing = lv === f.levels;
    const names = (levelNames as Record<string, string[]>)[f.name];
    return {
      field: f.name,
      level: missing ? 'missing' : names[lv],
      weight: missing ? 0 : Math.round(Math.log2(model.m[i][lv] / model.u[i][lv]) * 100) / 100,
    };
  });
}
