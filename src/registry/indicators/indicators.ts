// Aggregated open-data indicators (issue 6 §5): counts of consolidated cases by year, sex, age group, département
// and cancer site, as one 2-D table per publication — rows: the combinations of all `by` dimensions but the column
// one; columns: the column dimension (the last of `by` unless chosen); with row totals, column totals and the grand
// total — protected by suppression.ts. Persons who restricted processing are never counted.
import { classify, compareValues, DIMENSIONS, type Dimension, type DimensionValues, type IndicatorCase } from './cases.js';
import { protect, THRESHOLD } from './suppression.js';

export const TOTAL = 'Total';

export interface IndicatorTable {
  threshold: number;
  dimensions: Dimension[];
  rowDimensions: Dimension[];
  columnDimension: Dimension | null;
  rows: string[][];        // one tuple of row-dimension values per row
  columns: string[];       // column-dimension values ([TOTAL] alone when there is a single dimension)
  /** Extended counts (last row = column totals, last column = row totals); null where suppressed. */
  published: (number | null)[][];
  suppressed: { primary: number; secondary: number };
}

export interface IndicatorRun { table: IndicatorTable; counted: number; excluded: { restricted: number; invalid: { index: number; reason: string }[] } }

export function parseDimensions(list: string): Dimension[] {
  const dims = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = dims.filter((d) => !(DIMENSIONS as readonly string[]).includes(d));
  if (bad.length) throw new Error(`unknown dimension ${bad.join(', ')} (one of ${DIMENSIONS.join(', ')})`);
  if (!dims.length || new Set(dims).size !== dims.length) throw new Error('--by: one or more distinct dimensions');
  return dims as Dimension[];
}

export function buildIndicators(cases: Iterable<IndicatorCase>, by: Dimension[], column?: Dimension): IndicatorRun {
  const col = by.length > 1 ? (column ?? by[by.length - 1]) : null;
  if (col && !by.includes(col)) throw new Error(`column dimension ${col} is not among ${by.join(', ')}`);
  const rowDims = by.filter((d) => d !== col);
  const counts = new Map<string, Map<string, number>>();
  const rowKeys = new Map<string, string[]>();
  const excluded: IndicatorRun['excluded'] = { restricted: 0, invalid: [] };
  let counted = 0, index = 0;
  for (const c of cases) {
    index++;
    if (c.restricted) { excluded.restricted++; continue; }
    const v = classify(c);
    if (typeof v === 'string') { excluded.invalid.push({ index, reason: v }); continue; }
    const rowTuple = rowDims.map((d) => v[d]);
    const rk = JSON.stringify(rowTuple);
    rowKeys.set(rk, rowTuple);
    const ck = col ? v[col] : TOTAL;
    const row = counts.get(rk) ?? new Map<string, number>();
    row.set(ck, (row.get(ck) ?? 0) + 1);
    counts.set(rk, row);
    counted++;
  }
  const cmpTuple = (a: string[], b: string[]) => { for (let k = 0; k < a.length; k++) { const c = compareValues(rowDims[k], a[k], b[k]); if (c) return c; } return 0; };
  const rows = [...rowKeys.values()].sort(cmpTuple);
  const columns = col ? [...new Set([...counts.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => compareValues(col, a, b)) : [TOTAL];
  // Extended table: inner counts, then the margins.
  const ext = rows.map((t) => { const m = counts.get(JSON.stringify(t))!; const r = columns.map((c) => m.get(c) ?? 0); return [...r, r.reduce((a, b) => a + b, 0)]; });
  ext.push(Array.from({ length: columns.length + 1 }, (_, j) => ext.reduce((a, r) => a + r[j], 0)));
  const s = rows.length ? protect(ext) : ext.map((r) => r.map(() => false));
  let primary = 0, secondary = 0;
  const published = ext.map((r, i) => r.map((n, j) => {
    if (!s[i][j]) return n;
    if (!col && j === 0) return null; // duplicate of the row total, counted there
    if (n >= 1 && n < THRESHOLD) primary++; else secondary++;
    return null;
  }));
  return {
    table: { threshold: THRESHOLD, dimensions: by, rowDimensions: rowDims, columnDimension: col, rows, columns, published, suppressed: { primary, secondary } },
    counted, excluded,
  };
}

/** Long format: one entry per published figure, margins named TOTAL; a single-dimension table has no row margins. */
export function tableEntries(t: IndicatorTable): { values: Partial<Record<Dimension, string>>; count: number | null }[] {
  const out: { values: Partial<Record<Dimension, string>>; count: number | null }[] = [];
  const R = t.rows.length, C = t.columns.length;
  for (let i = 0; i <= R; i++) for (let j = 0; j <= C; j++) {
    if (!t.columnDimension && j === 0) continue; // the one column duplicates the row totals
    const values: Partial<Record<Dimension, string>> = {};
    t.rowDimensions.forEach((d, k) => { values[d] = i < R ? t.rows[i][k] : TOTAL; });
    if (t.columnDimension) values[t.columnDimension] = j < C ? t.columns[j] : TOTAL;
    out.push({ values, count: t.published[i][j] });
  }
  return out;
}

const csvField = (s: string) => (/[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV (RFC 4180 quoting, UTF-8): the dimensions in `by` order, count (empty when suppressed), status. */
export function toCsv(t: IndicatorTable): string {
  const lines = [[...t.dimensions, 'count', 'status'].join(',')];
  for (const e of tableEntries(t)) lines.push([...t.dimensions.map((d) => csvField(e.values[d] ?? '')), e.count === null ? '' : String(e.count), e.count === null ? 'suppressed' : ''].join(','));
  return lines.join('\n') + '\n';
}

export function toJson(t: IndicatorTable): object {
  return {
    threshold: t.threshold,
    method: `counts from 1 to ${t.threshold - 1} suppressed, with secondary suppression so that no suppressed figure can be recovered from the published totals`,
    dimensions: t.dimensions,
    rowDimensions: t.rowDimensions,
    columnDimension: t.columnDimension,
    total: TOTAL,
    cells: tableEntries(t).map((e) => ({ ...e.values, count: e.count, ...(e.count === null ? { suppressed: true } : {}) })),
  };
}

export type { DimensionValues, IndicatorCase, Dimension };
