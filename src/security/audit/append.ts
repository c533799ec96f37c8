// Appends a batch of AuditEvents to the hash chain in ONE SQL transaction. The row lock on
// audit_chain_head serialises appends across every process and machine sharing the database,
// so positions stay contiguous and each record links to the one before it, with no in-process
// state involved.
import type { AuditEvent } from 'fhir/r4';
import type { Db } from '../../store/db.js';
import { chainHash } from './chain-hash.js';
import { columnsOf } from './columns.js';

const INSERT = `INSERT INTO audit_event (pos, id, recorded, subtype, action, outcome, client_id, subject, address, patient, entity, resource, prev_hash, hash)
  SELECT r.pos, r.id, r.recorded, r.subtype, r.action, r.outcome, r.client_id, r.subject, r.address, r.patient, r.entity, r.resource, r.prev_hash, r.hash
  FROM jsonb_to_recordset(($1::text)::jsonb) AS r(pos bigint, id text, recorded timestamptz, subtype text, action text, outcome integer,
    client_id text, subject text, address text, patient text[], entity text[], resource jsonb, prev_hash text, hash text)`;

export async function appendToChain(db: Db, events: AuditEvent[]): Promise<void> {
  if (!events.length) return;
  await db.transaction(async (tx) => {
    const head = (await tx.query<{ pos: number | string; hash: string }>('SELECT pos, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE')).rows[0];
    if (!head) throw new Error('audit_chain_head is missing: the audit migration has not run');
    let pos = Number(head.pos);
    let prev = head.hash;
    // A separate statement (new snapshot) sees the last record committed before we got the lock.
    const last = pos > 0 ? (await tx.query<{ recorded: Date | string }>('SELECT recorded FROM audit_event WHERE pos = $1', [pos])).rows[0] : undefined;
    // recorded never goes backwards along the chain, whatever the clocks of the nodes say, so
    // that chain order is date order (searches sort and page by position).
    const recorded = new Date(Math.max(Date.now(), last ? new Date(last.recorded).getTime() : 0)).toISOString();
    const rows = events.map((event) => {
      event.recorded = recorded;
      event.meta = { versionId: '1', lastUpdated: recorded };
      const hash = chainHash(prev, event);
      const row = { ...columnsOf(event), pos: ++pos, resource: event, prev_hash: prev, hash };
      prev = hash;
      return row;
    });
    await tx.query(INSERT, [JSON.stringify(rows)]);
    await tx.query('UPDATE audit_chain_head SET pos = $1, hash = $2 WHERE id = 1', [pos, prev]);
  });
}
