// Helpers for the audit trail tests: sample inputs, tampering inside a rolled-back transaction,
// and two `pg` pools on one schema to play two server nodes.
import { openDb, type Db, type Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import type { AuditInput } from '../../src/security/audit/index.js';
import { createTestSchema } from '../support/db.js';

export function sampleInput(over: Partial<AuditInput> = {}): AuditInput {
  return {
    subtype: 'read',
    action: 'R',
    status: 200,
    agent: { subject: 'dr-martin', clientId: 'app-onco', issuer: 'https://idp.example.fr', address: '10.1.2.3', userAgent: 'vitest' },
    entities: ['Observation/obs-1/_history/2'],
    patients: ['Patient/pat-1'],
    requestId: 'req-1',
    ...over,
  };
}

const ROLLBACK = new Error('rollback');

/** Runs `fn` with the append-only triggers off, inside a transaction that is always rolled back. */
export async function whileTampered<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_event DISABLE TRIGGER USER');
      out = await fn(tx);
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return out as T;
}

/** Two independent pools on one fresh PostgreSQL schema: two "nodes" of one deployment. */
export async function openTwoNodes(url: string): Promise<{ a: Db; b: Db; close(): Promise<void> }> {
  const schema = await createTestSchema(url);
  const a = await openDb({ databaseUrl: schema.url, poolSize: 4 });
  const b = await openDb({ databaseUrl: schema.url, poolSize: 4 });
  await migrate(a);
  await migrate(b);
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      await schema.drop();
    },
  };
}
