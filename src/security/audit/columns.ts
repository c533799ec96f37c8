// The searchable columns of an audit_event row, derived from its AuditEvent alone. Appends
// store them and verify recomputes them: a column edited to hide a record from searches (e.g.
// removing a patient id) is caught even though the columns are not hashed themselves.
import type { AuditEvent } from 'fhir/r4';
import CODES from './balp-codes.json' with { type: 'json' };
import { patientId } from './build-event.js';

export interface AuditColumns {
  id: string;
  recorded: string;
  subtype: string;
  action: string;
  outcome: number;
  client_id: string;
  subject: string;
  address: string | null;
  patient: string[];
  entity: string[];
}

const hasCode = (codings: { code?: string }[] | undefined, code: string) => !!codings?.some((c) => c.code === code);

export function columnsOf(e: AuditEvent): AuditColumns {
  const client = e.agent?.find((a) => hasCode(a.type?.coding, CODES.agentType.client.code));
  const user = e.agent?.find((a) => hasCode(a.type?.coding, CODES.agentType.user.code));
  const clientId = client?.who?.identifier?.value ?? '';
  const patient: string[] = [];
  const entity: string[] = [];
  for (const en of e.entity ?? []) {
    const ref = en.what?.reference;
    if (!ref) continue;
    if (en.role?.code === CODES.entityRole.patient.code && en.role?.system === CODES.entityRole.patient.system) patient.push(patientId(ref));
    entity.push(ref);
    // A versioned reference is also found by its versionless form.
    const m = /^([A-Za-z]+\/[^/]+)\/_history\/[^/]+$/.exec(ref);
    if (m) entity.push(m[1]);
  }
  return {
    id: e.id ?? '',
    recorded: e.recorded,
    subtype: e.subtype?.[0]?.code ?? '',
    action: e.action ?? '',
    outcome: Number(e.outcome ?? 0),
    client_id: clientId,
    subject: user?.who?.identifier?.value ?? clientId,
    address: client?.network?.address ?? null,
    patient: [...new Set(patient)],
    entity: [...new Set(entity)],
  };
}
