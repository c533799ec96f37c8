// Reads a CI-SIS "transmission de documents CDA en HL7 v2" message (ORU^R01 v2.5, MDM^T02/T10/T04
// v2.6): the CDA carried base64 in the first OBX of type ED, the action (new / replace / delete)
// from the event, ORC-1 and OBX-11 (which must agree), the INS in PID-3, the sender in PRT (SB)
// and the MetaDMPMSS flags. Problems come back as ACK errors with their HL7 location.
import { createRequire } from 'node:module';
import type { AckError } from './ack.js';
import { components, get, repetitions, segments, type Er7Message, type Segment } from './er7.js';

interface Profiles {
  messages: Record<string, { version: string; action?: Action; actionFrom?: string }>;
  orderControl: Record<string, Action>;
  resultStatus: Record<string, Action>;
  profileId: string;
  metaCodingSystem: string;
  metaFlags: string[];
  insOids: string[];
}
const P = createRequire(import.meta.url)('./profiles.json') as Profiles;

export type Action = 'new' | 'replace' | 'delete';

export interface CdaMessage {
  type: string; // e.g. 'MDM^T02'
  controlId: string;
  sendingApplication: string;
  sendingFacility: string;
  action: Action;
  /** The CDA document, decoded (absent for a delete that carries none). */
  cda?: string;
  /** Document type code from OBX-3 / OBR-4 (LOINC). */
  documentCode?: string;
  /** INS from PID-3 (OID and value), when present. */
  ins?: { oid: string; value: string };
  /** TXA-12 unique document number (MDM), for replacement and deletion. */
  documentId?: string;
  parentDocumentId?: string;
  /** Sender (PRT with SB): RPPS id and organisation. */
  sender?: { id?: string; organisation?: string };
  /** MetaDMPMSS flags, e.g. { DESTDMP: true, INVISIBLE_PATIENT: false }. */
  flags: Record<string, boolean>;
}

export type Interpretation = { ok: true; message: CdaMessage } | { ok: false; reject: boolean; errors: AckError[] };

const fail = (reject: boolean, ...errors: AckError[]): Interpretation => ({ ok: false, reject, errors });

export function interpretCdaMessage(m: Er7Message): Interpretation {
  const msh = segments(m, 'MSH')[0];
  const type = `${get(m, msh, 9, 1)}^${get(m, msh, 9, 2)}`;
  const profile = P.messages[type];
  if (!profile) return fail(true, { segment: 'MSH', position: 1, field: 9, code: '200', message: `Unsupported message type ${type}: this interface accepts ORU^R01 and MDM^T02/T10/T04` });
  const version = get(m, msh, 12);
  if (version !== profile.version) return fail(true, { segment: 'MSH', position: 1, field: 12, code: '203', message: `${type} is exchanged in HL7 v${profile.version}, not ${version || '(empty)'}` });
  const controlId = get(m, msh, 10);
  if (!controlId) return fail(true, { segment: 'MSH', position: 1, field: 10, code: '101', message: 'MSH-10 (message control id) is required' });
  const errors: AckError[] = [];

  const pid = segments(m, 'PID')[0];
  if (!pid) errors.push({ segment: 'PID', code: '100', message: 'The PID segment is missing' });
  const orc = segments(m, 'ORC')[0];
  const obx = segments(m, 'OBX');
  const cdaObx = obx.find((s) => get(m, s, 2) === 'ED' && get(m, s, 3, 3) !== P.metaCodingSystem);
  const fromOrc = P.orderControl[get(m, orc, 1)];
  const fromObx = cdaObx ? P.resultStatus[get(m, cdaObx, 11)] : undefined;
  const action = profile.action ?? fromOrc;
  if (!action) errors.push({ segment: 'ORC', position: orc?.position, field: 1, code: '103', message: 'ORC-1 must be NW (new), RO (replace) or CA (delete)' });
  if (fromOrc && action && fromOrc !== action) errors.push({ segment: 'ORC', position: orc?.position, field: 1, code: '103', message: `ORC-1 says "${fromOrc}" but the ${type} event says "${action}"` });
  if (fromObx && action && fromObx !== action) errors.push({ segment: 'OBX', position: cdaObx?.position, field: 11, code: '103', message: `OBX-11 says "${fromObx}" but the message says "${action}"` });

  let cda: string | undefined;
  if (!cdaObx && action !== 'delete') errors.push({ segment: 'OBX', code: '101', message: 'No OBX of type ED carries the CDA document' });
  if (cdaObx) {
    const raw = repetitions(m, cdaObx, 5)[0] ?? '';
    const [, , , encoding, data] = components(m, raw).map((c) => c[0]);
    if ((encoding ?? '').toLowerCase() !== 'base64' || !data) {
      errors.push({ segment: 'OBX', position: cdaObx.position, field: 5, component: 4, code: '102', message: 'OBX-5 must be ^TEXT^XML^Base64^<the CDA in base64>' });
    } else if (!/^[A-Za-z0-9+/\r\n]+=*$/.test(data)) {
      errors.push({ segment: 'OBX', position: cdaObx.position, field: 5, component: 5, code: '102', message: 'OBX-5.5 is not valid base64' });
    } else cda = Buffer.from(data, 'base64').toString('utf8');
  }
  if (errors.length) return fail(false, ...errors);

  const ins = insOf(m, pid);
  const txa = segments(m, 'TXA')[0];
  const sb = segments(m, 'PRT').find((s) => get(m, s, 4, 1) === 'SB');
  const flags: Record<string, boolean> = {};
  for (const s of obx) {
    const code = get(m, s, 3, 1);
    if (get(m, s, 3, 3) === P.metaCodingSystem && P.metaFlags.includes(code) && get(m, s, 2) !== 'ED') flags[code] = get(m, s, 5, 1) === 'Y';
  }
  return {
    ok: true,
    message: {
      type,
      controlId,
      sendingApplication: get(m, msh, 3),
      sendingFacility: get(m, msh, 4),
      action: action!,
      cda,
      documentCode: cdaObx ? get(m, cdaObx, 3, 1) : get(m, segments(m, 'OBR')[0], 4, 1) || undefined,
      ins,
      documentId: txa ? get(m, txa, 12, 1) || get(m, txa, 12, 3) || undefined : undefined,
      parentDocumentId: txa ? get(m, txa, 13, 1) || undefined : undefined,
      sender: sb ? { id: get(m, sb, 5, 1) || undefined, organisation: get(m, sb, 8, 1) || undefined } : undefined,
      flags,
    },
  };
}

/** The INS among PID-3's identifiers (CX: id^^^authority&OID&ISO^INS). */
function insOf(m: Er7Message, pid: Segment | undefined): CdaMessage['ins'] {
  for (const rep of repetitions(m, pid, 3)) {
    const c = components(m, rep);
    const oid = c[3]?.[1];
    if (oid && P.insOids.includes(oid) && c[0]?.[0]) return { oid, value: c[0][0] };
  }
  return undefined;
}
