// Builders for tumour source records: fictitious records, only the fields a case needs.
import type { Person, SourceRecord } from '../../src/registry/tumours/types.js';

let n = 0;
export function rec(p: Partial<SourceRecord> & { topography?: string }): SourceRecord {
  n += 1;
  return {
    recordId: p.recordId ?? `r${n}`,
    personKey: 'pk-1',
    documentRef: p.documentRef ?? `DocumentReference/doc-${n}`,
    producer: p.producer ?? 'CHU de Rennes',
    incidenceCandidates: [],
    basis: 7,
    ...p,
  };
}

export const woman: Person = { sex: 'F', birthDate: '1958-03-14' };
export const man: Person = { sex: 'M', birthDate: '1949-11-02' };
