// Acknowledgements (HL7 v2 original mode): MSA with AA / AE / AR, and one ERR segment per
// problem naming its location (ERR-2), its table 0357 code (ERR-3), severity (ERR-4) and a plain
// message (ERR-8). The ACK answers in the version and character set of the request.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { escape, get, segments, type Delimiters, type Er7Message } from './er7.js';

const CODES = (createRequire(import.meta.url)('./error-codes.json') as { codes: Record<string, string> }).codes;
const DEFAULT: Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

export type AckCode = 'AA' | 'AE' | 'AR';

export interface AckError {
  /** ERL: segment name, and optionally its position, the field, repetition and component. */
  segment: string;
  position?: number;
  field?: number;
  component?: number;
  /** Table 0357 code. */
  code: string;
  severity?: 'E' | 'W' | 'I';
  message: string;
  /** Where the problem is inside a carried document (e.g. a CDA XPath), for ERR-7. */
  detail?: string;
}

const ts = (d = new Date()) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

export function buildAck(code: AckCode, request: Er7Message | undefined, errors: AckError[] = [], text?: string): string {
  const d = request?.delimiters ?? DEFAULT;
  const msh = request && segments(request, 'MSH')[0];
  const f = (n: number, c = 1) => (msh ? escape(get(request!, msh, n, c), d) : '');
  const version = f(12) || '2.5';
  const trigger = f(9, 2);
  const enc = `${d.component}${d.repetition}${d.escape}${d.subcomponent}`;
  const header = [
    'MSH', enc, f(5), f(6), f(3), f(4), ts(), '', ['ACK', trigger, 'ACK'].join(d.component), randomUUID().replace(/-/g, '').slice(0, 20), f(11) || 'P', version,
    '', '', '', '', f(17), f(18),
  ];
  const lines = [header.join(d.field), ['MSA', code, f(10), text ? escape(text.slice(0, 80), d) : ''].join(d.field)];
  for (const e of errors) {
    const erl = [e.segment, e.position ?? '', e.field ?? '', e.field ? 1 : '', e.component ?? ''].join(d.component).replace(new RegExp(`\\${d.component}+$`), '');
    const err3 = [e.code, CODES[e.code] ?? 'Application error', 'HL70357'].join(d.component);
    lines.push(['ERR', '', erl, err3, e.severity ?? 'E', '', '', e.detail ? escape(e.detail.slice(0, 500), d) : '', escape(e.message.slice(0, 500), d)].join(d.field));
  }
  return lines.join('\r') + '\r';
}
