// Group commit: one queue per database handle (per process). While a flush is writing, new
// records wait; the next flush writes everything that queued up in one transaction. Under load
// this turns ~1,000 appends/s into a few dozen transactions/s, each holding the chain lock only
// briefly. Every caller's promise settles with its own flush: resolved once committed, rejected
// (all of the batch) if that flush failed.
import type { AuditEvent } from 'fhir/r4';
import type { Db } from '../../store/db.js';
import { appendToChain } from './append.js';

interface Waiter {
  event: AuditEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Queue {
  waiting: Waiter[];
  flushing: boolean;
}

/** Keeps one statement's JSON parameter and one transaction reasonably small. */
const MAX_BATCH = 2000;

const queues = new WeakMap<Db, Queue>();

export function commitAuditEvent(db: Db, event: AuditEvent): Promise<void> {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { waiting: [], flushing: false }));
  const q = queue;
  return new Promise<void>((resolve, reject) => {
    q.waiting.push({ event, resolve, reject });
    if (!q.flushing) {
      q.flushing = true;
      void drain(db, q);
    }
  });
}

async function drain(db: Db, q: Queue): Promise<void> {
  // Let records submitted in the same tick join the first flush.
  await Promise.resolve();
  try {
    while (q.waiting.length) {
      const batch = q.waiting.splice(0, MAX_BATCH);
      try {
        await appendToChain(db, batch.map((w) => w.event));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  } finally {
    q.flushing = false;
  }
}
