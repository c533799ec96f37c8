// Reading person records from NDJSON (one JSON object per line), with the line of each error.
import type { PersonRecord } from './types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The record, or the reason it is refused. */
export function parsePersonLine(line: string): PersonRecord | string {
  let o: Record<string, unknown>;
  try { o = JSON.parse(line); } catch (e) { return `not JSON: ${(e as Error).message}`; }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not a JSON object';
  if (typeof o.recordId !== 'string' && typeof o.recordId !== 'number') return 'recordId is required';
  if (typeof o.birthName !== 'string' || !o.birthName.trim()) return 'birthName is required';
  if (!Array.isArray(o.givenNames) || o.givenNames.some((g) => typeof g !== 'string')) return 'givenNames must be an array of strings';
  if (typeof o.birthDate !== 'string' || !DATE.test(o.birthDate)) return 'birthDate must be YYYY-MM-DD';
  if (o.sex !== 'M' && o.sex !== 'F') return 'sex must be M or F';
  for (const f of ['ins', 'usedName', 'birthplaceCode', 'postalCode']) if (o[f] !== undefined && o[f] !== null && typeof o[f] !== 'string') return `${f} must be a string`;
  return { ...(o as unknown as PersonRecord), recordId: String(o.recordId) };
}
