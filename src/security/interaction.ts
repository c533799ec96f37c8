// Names the FHIR interaction a request performs and the SMART permissions it needs, from the
// same path grammar the router uses. Authorisation and audit both start from this description.
import type { FhirRequest } from '../api/types.js';
import { getOperation } from '../api/operations.js';
import type { Permission } from './scopes.js';

export interface Interaction {
  /** restful-interaction code (read, search-type, create…), 'operation', 'capabilities' or 'unknown'. */
  subtype: string;
  /** AuditEvent.action */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  type?: string;
  id?: string;
  operation?: string;
  /** Permissions needed: resource type ('*' = every type) and permission. */
  needs: [string, Permission][];
  /** Public: answered without a token (the CapabilityStatement). */
  public?: boolean;
}

const SEARCH: Permission = 's';

export function describeInteraction(req: FhirRequest): Interaction {
  const parts = req.path.split('/').filter(Boolean).map(safeDecode);
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  const last = parts[parts.length - 1];
  if (last?.startsWith('$')) return operation(parts, last.slice(1));
  const [a, b, c] = parts;
  const conditional = req.query.some(([k]) => !k.startsWith('_format') && k !== '_pretty');
  if (parts.length === 0) {
    if (m === 'POST') {
      const kind = (req.body as { type?: string } | undefined)?.type === 'batch' ? 'batch' : 'transaction';
      return { subtype: kind, action: 'E', needs: [] }; // each entry is checked as its own interaction
    }
    return { subtype: 'search-system', action: 'E', needs: [['*', SEARCH]] };
  }
  if (a === 'metadata' && parts.length === 1) return { subtype: 'capabilities', action: 'R', needs: [], public: true };
  if (a === '_history' && parts.length === 1) return { subtype: 'history-system', action: 'R', needs: [['*', 'r']] };
  if (a === '_search' && parts.length === 1) return { subtype: 'search-system', action: 'E', needs: [['*', SEARCH]] };
  if (parts.length === 1 || (parts.length === 2 && b === '_search')) {
    if (m === 'GET' || b === '_search') return { subtype: 'search-type', action: 'E', type: a, needs: [[a, SEARCH]] };
    if (m === 'POST') return { subtype: 'create', action: 'C', type: a, needs: req.headers.ifNoneExist ? [[a, 'c'], [a, SEARCH]] : [[a, 'c']] };
    if (m === 'PUT') return { subtype: 'update', action: 'U', type: a, needs: [[a, 'u'], [a, 'c'], [a, SEARCH]] };
    if (m === 'PATCH') return { subtype: 'patch', action: 'U', type: a, needs: [[a, 'u'], [a, SEARCH]] };
    if (m === 'DELETE') return { subtype: 'delete', action: 'D', type: a, needs: [[a, 'd'], [a, SEARCH]] };
  }
  if (parts.length === 2 && b === '_history') return { subtype: 'history-type', action: 'R', type: a, needs: [[a, 'r']] };
  if (parts.length === 2) {
    if (m === 'GET') return { subtype: 'read', action: 'R', type: a, id: b, needs: [[a, 'r']] };
    if (m === 'PUT') return { subtype: 'update', action: 'U', type: a, id: b, needs: [[a, 'u']] };
    if (m === 'PATCH') return { subtype: 'patch', action: 'U', type: a, id: b, needs: conditional ? [[a, 'u'], [a, SEARCH]] : [[a, 'u']] };
    if (m === 'DELETE') return { subtype: 'delete', action: 'D', type: a, id: b, needs: [[a, 'd']] };
  }
  if (parts.length === 3 && c === '_history') return { subtype: 'history-instance', action: 'R', type: a, id: b, needs: [[a, 'r']] };
  if (parts.length === 4 && c === '_history') return { subtype: 'vread', action: 'R', type: a, id: b, needs: [[a, 'r']] };
  // Anything else is refused by the router (404/405); it still needs a valid token.
  return { subtype: 'unknown', action: 'E', type: a, needs: [] };
}

function operation(parts: string[], name: string): Interaction {
  const op = getOperation(name);
  const type = parts.length >= 2 ? parts[0] : undefined;
  const id = parts.length === 3 ? parts[1] : undefined;
  const base = { subtype: 'operation', operation: name, action: 'E' as const, type, id };
  if (op?.access) return { ...base, needs: op.access({ level: parts.length === 1 ? 'system' : parts.length === 2 ? 'type' : 'instance', type, id }) };
  if (!type) return { ...base, needs: [] }; // system-level utilities ($validate, $expand…): any valid token
  return { ...base, needs: [[type, op?.affectsState ? 'u' : 'r']] };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
