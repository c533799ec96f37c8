// Side effects that follow a committed-in-transaction write, registered by other modules
// (e.g. activating a stored SearchParameter). They run inside the write's transaction.
import type { Resource } from 'fhir/r4';
import type { Queryable } from '../store/db.js';
import type { WriteMethod } from '../store/resource-store.js';
import type { Call } from './types.js';

export type WriteHook = (q: Queryable, call: Call, resource: Resource, method: WriteMethod) => Promise<void>;

const hooks: WriteHook[] = [];

export function onWrite(hook: WriteHook): void {
  hooks.push(hook);
}

export async function afterWrite(q: Queryable, call: Call, resource: Resource, method: WriteMethod): Promise<void> {
  for (const h of hooks) await h(q, call, resource, method);
}

/** Queues work to run after the write's transaction commits (e.g. activating a SearchParameter). */
export function deferUntilCommitted(call: Call, fn: () => Promise<void>): void {
  if (!call.afterCommit) throw new Error('deferUntilCommitted needs a call that owns its transaction');
  call.afterCommit.push(fn);
}

export async function runAfterCommit(list: (() => Promise<void>)[]): Promise<void> {
  for (const fn of list.splice(0)) await fn();
}
