// Walks the audit chain in position order, a page at a time (constant memory), and checks every
// link: contiguous positions from 1, prev_hash = the previous record's hash, hash = sha256 of
// prev_hash and the stored resource, columns consistent with the resource, and the head
// pointing at the last record. Stops at the first broken record.
import type { AuditEvent } from 'fhir/r4';
import type { Queryable } from '../../store/db.js';
import { GENESIS_HASH, chainHash } from './chain-hash.js';
import { columnsOf, type AuditColumns } from './columns.js';

export interface BrokenLink {
  pos: number;
  /** Id of the broken record ('' when the record itself is missing). */
  id: string;
  reason: string;
}

export type VerifyResult =
  | { ok: true; records: number; head: { pos: number; hash: string } }
  | { ok: false; records: number; firstBroken: BrokenLink };

export interface VerifyOptions {
  pageSize?: number;
  /** Called after each page with the records checked and the chain length. */
  onProgress?: (checked: number, total: number) => void;
  /** Hashes recorded elsewhere earlier (e.g. a printed head): the record at pos must still have it.
   *  This catches a chain rewritten as a whole from some point on, which links alone cannot. */
  anchors?: { pos: number; hash: string }[];
}

interface Row extends Omit<AuditColumns, 'recorded'> {
  pos: number | string;
  recorded: Date | string;
  resource: AuditEvent | string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'pos, id, recorded, subtype, action, outcome, client_id, subject, address, patient, entity, resource, prev_hash, hash';

export async function verifyAuditChain(q: Queryable, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const pageSize = opts.pageSize ?? 5000;
  const headRow = (await q.query<{ pos: number | string; hash: string }>('SELECT pos, hash FROM audit_chain_head WHERE id = 1')).rows[0];
  if (!headRow) return { ok: false, records: 0, firstBroken: { pos: 0, id: '', reason: 'the chain head row is missing' } };
  // Records appended after this point are left for the next run: the head read here and every
  // record up to it were committed together.
  const head = { pos: Number(headRow.pos), hash: headRow.hash };
  let expected = 1;
  let prev = GENESIS_HASH;
  let lastId = '';
  const anchors = new Map((opts.anchors ?? []).map((a) => [a.pos, a.hash.toLowerCase()]));
  const beyond = [...anchors.keys()].find((p) => p > head.pos || p < 1);
  if (beyond !== undefined) return { ok: false, records: 0, firstBroken: { pos: beyond, id: '', reason: `anchor position ${beyond} is not in the chain (head at ${head.pos})` } };
  for (;;) {
    const { rows } = await q.query<Row>(`SELECT ${COLUMNS} FROM audit_event WHERE pos >= $1 AND pos <= $2 ORDER BY pos LIMIT ${pageSize}`, [expected, head.pos]);
    for (const row of rows) {
      const broken = checkRow(row, expected, prev);
      if (broken) return { ok: false, records: expected - 1, firstBroken: broken };
      const anchor = anchors.get(expected);
      if (anchor !== undefined && anchor !== row.hash) return { ok: false, records: expected - 1, firstBroken: { pos: expected, id: row.id, reason: 'hash differs from the anchor given: the chain was rewritten up to here' } };
      prev = row.hash;
      lastId = row.id;
      expected++;
    }
    opts.onProgress?.(expected - 1, head.pos);
    if (rows.length < pageSize) break;
  }
  const records = expected - 1;
  if (records !== head.pos) {
    return { ok: false, records, firstBroken: { pos: records + 1, id: '', reason: `record missing: the chain head is at position ${head.pos} but the records end at ${records}` } };
  }
  if (head.hash !== prev) return { ok: false, records, firstBroken: { pos: head.pos, id: lastId, reason: 'the chain head hash does not match the last record' } };
  return { ok: true, records, head };
}

function checkRow(row: Row, expected: number, prev: string): BrokenLink | undefined {
  const pos = Number(row.pos);
  const at = (reason: string): BrokenLink => ({ pos, id: row.id, reason });
  if (pos !== expected) return at(pos > expected ? `record missing: position ${expected}${pos - 1 > expected ? `–${pos - 1}` : ''} not found before this one` : `unexpected position (expected ${expected})`);
  if (row.prev_hash !== prev) return at('prev_hash does not match the hash of the previous record');
  const resource = typeof row.resource === 'string' ? (JSON.parse(row.resource) as AuditEvent) : row.resource;
  if (chainHash(row.prev_hash, resource) !== row.hash) return at('hash does not match the record content');
  const mismatch = columnMismatch(row, columnsOf(resource));
  if (mismatch) return at(`column ${mismatch} does not match the record content`);
  return undefined;
}

function columnMismatch(row: Row, want: AuditColumns): string | undefined {
  if (row.id !== want.id) return 'id';
  if (new Date(row.recorded).getTime() !== new Date(want.recorded).getTime()) return 'recorded';
  for (const k of ['subtype', 'action', 'client_id', 'subject'] as const) if (row[k] !== want[k]) return k;
  if (Number(row.outcome) !== want.outcome) return 'outcome';
  if ((row.address ?? null) !== want.address) return 'address';
  for (const k of ['patient', 'entity'] as const) if (JSON.stringify(row[k] ?? []) !== JSON.stringify(want[k])) return k;
  return undefined;
}
