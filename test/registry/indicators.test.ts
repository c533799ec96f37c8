// Open-data indicators: counting, exclusions, CSV/JSON, and small-cell suppression that an attacker with the
// published totals cannot undo (disclosure-check.ts tries, by differencing and by exact linear algebra).
import { describe, expect, it } from 'vitest';
import { buildIndicators, parseDimensions, toCsv, toJson, type IndicatorCase } from '../../src/registry/indicators/indicators.js';
import { ageOf, classify, siteGroupOf } from '../../src/registry/indicators/cases.js';
import { findBridge, protect } from '../../src/registry/indicators/suppression.js';
import { recoverSuppressed } from '../../src/registry/indicators/disclosure-check.js';

// Small deterministic PRNG (mulberry32) so that the random tables are the same on every run.
const rng = (seed: number) => () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };

/** Extended table (margins last) from inner counts. */
const extend = (inner: number[][]) => {
  const ext = inner.map((r) => [...r, r.reduce((a, b) => a + b, 0)]);
  ext.push(ext[0].map((_, j) => ext.reduce((a, r) => a + r[j], 0)));
  return ext;
};
const publish = (ext: number[][], s: boolean[][]) => ext.map((r, i) => r.map((n, j) => (s[i][j] ? null : n)));

const base: IndicatorCase = { year: 2023, sex: 'F', ageAtDiagnosis: 62, departement: '35', topography: 'C50.4', morphology: '8500/3' };
const many = (n: number, c: Partial<IndicatorCase>) => Array.from({ length: n }, () => ({ ...base, ...c }));

describe('case classification (data tables)', () => {
  it.each([
    ['C50.4', '8500/3', 'Sein'], ['C18.7', '8140/3', 'Côlon-rectum'], ['C20', undefined, 'Côlon-rectum'], ['C34.1', '8070/3', 'Poumon'],
    ['C44.5', '8720/3', 'Mélanome de la peau'], ['C44.5', '8090/3', 'Peau (hors mélanome)'], ['C42.1', '9861/3', 'Hémopathies malignes'],
    ['C77.0', '9680/3', 'Hémopathies malignes'], ['C65.9', undefined, 'Rein'], ['C67.2', undefined, 'Vessie'], ['C48.0', undefined, 'Autres localisations'],
    ['C99', undefined, undefined], ['Z12', undefined, undefined],
  ])('topography %s morphology %s → %s', (t, m, g) => expect(siteGroupOf(t, m)).toBe(g));

  it('age: given, exact from dates, else INSEE age reached in the year', () => {
    expect(ageOf({ ...base, ageAtDiagnosis: 40 })).toBe(40);
    expect(ageOf({ ...base, ageAtDiagnosis: undefined, birthDate: '1960-09-01', diagnosisDate: '2023-03-01' })).toBe(62);
    expect(ageOf({ ...base, ageAtDiagnosis: undefined, birthDate: '1960-09-01' })).toBe(63);
    expect(classify({ ...base, ageAtDiagnosis: 97 })).toMatchObject({ ageGroup: '95+' });
    expect(classify({ ...base, ageAtDiagnosis: 0 })).toMatchObject({ ageGroup: '00-04' });
  });

  it.each([
    ['year', { year: 23 }, /year/], ['sex', { sex: 'X' }, /sex/], ['age', { ageAtDiagnosis: undefined }, /age/],
    ['département', { departement: '20' }, /departement/], ['overseas 975 is no département', { departement: '975' }, /departement/],
    ['topography', { topography: 'C99.9' }, /topography/], ['site group', { siteGroup: 'Nulle part' }, /siteGroup/],
  ])('refuses a bad case: %s', (_n, patch, msg) => expect(classify({ ...base, ...patch } as IndicatorCase)).toMatch(msg));

  it('accepts Corsica and overseas départements', () => {
    for (const d of ['2A', '2B', '971', '976', '01']) expect(classify({ ...base, departement: d })).toMatchObject({ departement: d });
  });
});

describe('indicators', () => {
  it('counts by the chosen dimensions, excludes restricted persons and reports invalid cases', () => {
    const cases = [...many(30, {}), ...many(25, { year: 2024 }), ...many(4, { restricted: true }), { ...base, sex: 'U' }];
    const run = buildIndicators(cases, parseDimensions('year'));
    expect(run.counted).toBe(55);
    expect(run.excluded.restricted).toBe(4);
    expect(run.excluded.invalid).toEqual([{ index: 60, reason: 'sex "U" is not M or F' }]);
    expect(toCsv(run.table)).toBe('year,count,status\n2023,30,\n2024,25,\nTotal,55,\n');
  });

  it('restricted persons are invisible: the tables with and without them are identical', () => {
    const r = rng(1);
    const cases = Array.from({ length: 800 }, () => ({ ...base, year: 2020 + Math.floor(r() * 4), sex: r() < 0.5 ? 'M' : 'F', topography: r() < 0.5 ? 'C34.1' : 'C18.2' }));
    const withRestricted = [...cases, ...cases.slice(0, 50).map((c) => ({ ...c, restricted: true }))];
    expect(toCsv(buildIndicators(withRestricted, ['year', 'sex', 'site']).table)).toBe(toCsv(buildIndicators(cases, ['year', 'sex', 'site']).table));
  });

  it('suppresses counts 1–10 (primary) and protects them by difference (secondary); publishes 0 and ≥ 11', () => {
    // year × site: 2023 Sein 40, Poumon 3; 2024 Sein 50, Poumon 20.
    const cases = [...many(40, {}), ...many(3, { topography: 'C34.1' }), ...many(50, { year: 2024 }), ...many(20, { year: 2024, topography: 'C34.1' })];
    const t = buildIndicators(cases, ['year', 'site']).table;
    expect(t.columns).toEqual(['Poumon', 'Sein']);
    expect(t.published[0][0]).toBeNull(); // 3
    expect(t.suppressed.primary).toBe(1);
    expect(t.suppressed.secondary).toBeGreaterThanOrEqual(3); // a whole cycle: the 2023 row and Poumon column need partners
    expect(recoverSuppressed(t.published)).toEqual([]);
    for (const row of t.published) for (const n of row) if (n !== null) expect(n === 0 || n >= 11).toBe(true);
  });

  it('a suppressed cell left alone in a line is recovered by the checker (the checker works)', () => {
    const ext = extend([[40, 3], [50, 20]]);
    const onlyPrimary = ext.map((r) => r.map((n) => n >= 1 && n <= 10));
    expect(recoverSuppressed(publish(ext, onlyPrimary))).toContainEqual({ row: 0, col: 1, value: 3 });
    // Two per line is not enough when a cell is a bridge between two suppressed rectangles.
    const inner = [[5, 30, 30, 30], [30, 30, 30, 30], [30, 30, 5, 30], [30, 30, 30, 30]];
    const e = extend(inner);
    const s = e.map((r) => r.map(() => false));
    for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3], [3, 2], [3, 3], [0, 2]]) s[i][j] = true;
    expect(findBridge(s)).toEqual([0, 2]);
    expect(recoverSuppressed(publish(e, s))).toContainEqual({ row: 0, col: 2, value: 30 });
    expect(recoverSuppressed(publish(e, protect(e)))).toEqual([]);
  });

  it('no suppressed cell of 300 random sparse tables can be recovered from the published totals', () => {
    const r = rng(42);
    for (let k = 0; k < 300; k++) {
      const R = 1 + Math.floor(r() * 7), C = 1 + Math.floor(r() * 7);
      const inner = Array.from({ length: R }, () => Array.from({ length: C }, () => { const x = r(); return x < 0.25 ? 0 : x < 0.6 ? 1 + Math.floor(r() * 10) : Math.floor(r() * 80); }));
      const ext = extend(inner);
      const s = protect(ext);
      const pub = publish(ext, s);
      expect(recoverSuppressed(pub), JSON.stringify(inner)).toEqual([]);
      for (let i = 0; i < ext.length; i++) for (let j = 0; j < ext[0].length; j++) {
        if (ext[i][j] >= 1 && ext[i][j] <= 10) expect(s[i][j]).toBe(true);
        if (s[i][j] && !(ext[i][j] >= 1 && ext[i][j] <= 10)) expect(ext[i][j]).toBeGreaterThan(0); // secondaries are never zeros here
      }
      // Every line holds 0 or ≥ 2 suppressed figures.
      for (const line of [...s, ...s[0].map((_, j) => s.map((row) => row[j]))]) expect(line.filter(Boolean).length).not.toBe(1);
    }
  });

  it('multi-dimensional rows (year × sex by site) from random cases are protected too', () => {
    const r = rng(7);
    const sites = ['C50.1', 'C34.1', 'C18.2', 'C61.9', 'C67.1', 'C73.9'];
    const cases: IndicatorCase[] = Array.from({ length: 600 }, () => ({ ...base, year: 2021 + Math.floor(r() * 3), sex: r() < 0.5 ? 'M' : 'F', topography: sites[Math.floor(r() ** 2 * sites.length)] }));
    const t = buildIndicators(cases, ['year', 'sex', 'site']).table;
    expect(t.rowDimensions).toEqual(['year', 'sex']);
    expect(t.columnDimension).toBe('site');
    expect(t.suppressed.primary).toBeGreaterThan(0);
    expect(recoverSuppressed(t.published)).toEqual([]);
  });

  it('CSV: header, RFC 4180 quoting of labels with commas, margins named Total, empty count + status when suppressed', () => {
    const cases = [...many(12, { topography: 'C02.1', sex: 'M' }), ...many(30, { sex: 'M', topography: 'C61.9' }), ...many(2, { sex: 'F', topography: 'C02.1' }), ...many(40, {})];
    const csv = toCsv(buildIndicators(cases, ['sex', 'site']).table);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('sex,site,count,status');
    expect(lines).toContain('M,Sein,0,');
    expect(lines).toContain('M,Total,42,');
    expect(lines.some((l) => /^F,"Lèvre, cavité orale, pharynx",,suppressed$/.test(l))).toBe(true);
    expect(lines).toContain('Total,Total,84,');
    expect(lines.filter((l) => l.endsWith(',suppressed')).length).toBeGreaterThanOrEqual(4);
    expect(lines.slice(1).every((l) => /,(\d+,|,suppressed)$/.test(l))).toBe(true);
  });

  it('JSON: one entry per published figure with its dimension values', () => {
    const j = toJson(buildIndicators([...many(15, {}), ...many(20, { sex: 'M', topography: 'C61' })], ['sex']).table) as { cells: unknown[]; threshold: number };
    expect(j.threshold).toBe(11);
    expect(j.cells).toEqual([{ sex: 'M', count: 20 }, { sex: 'F', count: 15 }, { sex: 'Total', count: 35 }]);
  });

  it.each(['', 'year,year', 'town'])('refuses --by %j', (by) => expect(() => parseDimensions(by)).toThrow());
});
