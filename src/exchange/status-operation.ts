// GET [base]/DocumentReference/{id}/$delivery-status: where the document stands in the Mon espace
// santé outbox. A Parameters with the latest delivery's status first, then one `delivery` part per
// action (provide / replace / delete) with its status, attempts, last error, sent at and the
// recipient's answer.
import type { Parameters, ParametersParameter } from 'fhir/r4';
import { registerOperation } from '../api/operations.js';
import { notFound } from '../fhir/errors.js';
import { currentRow } from '../store/resource-store.js';
import { CANONICAL_BASE } from '../documents/canonical.js';
import { outboxRows, type OutboxRow } from './outbox.js';

const part = (name: string, v: string | number | null | undefined): ParametersParameter[] =>
  v === null || v === undefined ? [] : [typeof v === 'number' ? { name, valueInteger: v } : /^\d{4}-\d\d-\d\dT/.test(v) && name.endsWith('At') ? { name, valueInstant: v } : { name, valueString: v }];

function delivery(r: OutboxRow): ParametersParameter {
  return {
    name: 'delivery',
    part: [
      { name: 'action', valueCode: r.action },
      { name: 'status', valueCode: r.status },
      { name: 'attempts', valueInteger: r.attempts },
      ...part('lastError', r.last_error),
      ...part('sentAt', r.sent_at),
      ...(r.status === 'queued' ? part('nextAttemptAt', r.next_attempt_at) : []),
      ...part('responseStatus', r.response_status),
      ...part('responseLocation', r.response_location),
      ...part('queuedAt', r.created_at),
    ],
  };
}

export function registerDeliveryStatusOperation(): void {
  registerOperation({
    name: 'delivery-status',
    levels: ['instance'],
    types: ['DocumentReference'],
    affectsState: false,
    definition: `${CANONICAL_BASE}/OperationDefinition/DocumentReference-delivery-status`,
    handler: async (call, target) => {
      const q = call.tx ?? call.ctx.db;
      const row = await currentRow(q, 'DocumentReference', target.id!);
      if (!row || !row.content) throw notFound(`DocumentReference/${target.id} is not known`);
      const rows = await outboxRows(q, { documentRef: target.id! });
      const latest = rows[rows.length - 1];
      const out: Parameters = {
        resourceType: 'Parameters',
        parameter: latest
          ? [{ name: 'status', valueCode: latest.status }, { name: 'attempts', valueInteger: latest.attempts }, ...part('lastError', latest.last_error), ...part('sentAt', latest.sent_at), ...rows.map(delivery)]
          : [{ name: 'status', valueCode: 'not-queued' }, { name: 'explanation', valueString: 'No delivery to Mon espace santé for this document (not a CDA document submitted here, or not one that is shared)' }],
      };
      return { status: 200, resource: out };
    },
  });
}
