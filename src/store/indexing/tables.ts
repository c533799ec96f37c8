// The index tables written by the indexer and their typed columns (after rid, rtype, param),
// with the PostgreSQL array type used to insert them through unnest().
export const INDEX_TABLES = {
  idx_string: { norm: 'text', exact: 'text' },
  idx_token: { system: 'text', code: 'text', text: 'text', type_system: 'text', type_code: 'text' },
  idx_date: { lo: 'timestamptz', hi: 'timestamptz' },
  idx_number: { value: 'numeric', lo: 'numeric', hi: 'numeric' },
  idx_quantity: {
    value: 'numeric', lo: 'numeric', hi: 'numeric', system: 'text', code: 'text', unit: 'text', canon_value: 'numeric', canon_code: 'text',
  },
  idx_reference: { target_type: 'text', target_id: 'text', url: 'text', ident_system: 'text', ident_value: 'text' },
  idx_uri: { value: 'text' },
  idx_composite: Object.fromEntries(
    [1, 2, 3].flatMap((i) => [
      [`c${i}_system`, 'text'], [`c${i}_code`, 'text'], [`c${i}_value`, 'numeric'], [`c${i}_lo`, 'numeric'], [`c${i}_hi`, 'numeric'],
      [`c${i}_canon_value`, 'numeric'], [`c${i}_canon_code`, 'text'], [`c${i}_dlo`, 'timestamptz'], [`c${i}_dhi`, 'timestamptz'],
    ]),
  ) as Record<string, string>,
} as const satisfies Record<string, Record<string, string>>;

export type IndexTable = keyof typeof INDEX_TABLES;
export const TABLE_NAMES = Object.keys(INDEX_TABLES) as IndexTable[];

/** One index row: its typed columns (missing ones are null). */
export type Row = Record<string, string | number | null | undefined>;

/** Which table each search parameter type writes to. */
export const TABLE_OF_TYPE: Record<string, IndexTable | undefined> = {
  string: 'idx_string', token: 'idx_token', date: 'idx_date', number: 'idx_number', quantity: 'idx_quantity',
  reference: 'idx_reference', uri: 'idx_uri', composite: 'idx_composite',
};
