// HL7 v2 ER7 ("pipe and hat") parsing: segments, fields, repetitions, components and
// sub-components, with the escape sequences of the message's own encoding characters (MSH-2).
// Locations follow HL7 notation: `PID-3[1].4.2` (segment-field[repetition].component.subcomponent).

export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export interface Segment {
  name: string;
  /** fields[n] is field n (fields[0] is the segment name; for MSH, fields[1] is the field separator). */
  fields: string[];
  /** 1-based position of the segment in the message. */
  position: number;
}

export interface Er7Message {
  delimiters: Delimiters;
  segments: Segment[];
}

export class Er7Error extends Error {
  constructor(
    message: string,
    /** HL7 error location, e.g. 'MSH' or 'MSH-9'. */
    readonly location: string,
    /** HL7 table 0357 error condition code. */
    readonly code = '100',
  ) {
    super(message);
  }
}

/** Parses one ER7 message (segments separated by CR, LF or CRLF). */
export function parseEr7(text: string): Er7Message {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim().length);
  if (!lines.length || !lines[0].startsWith('MSH')) throw new Er7Error('The message does not start with an MSH segment', 'MSH', '100');
  const msh = lines[0];
  if (msh.length < 8) throw new Er7Error('The MSH segment is too short to declare its encoding characters', 'MSH-2', '101');
  const field = msh[3];
  const enc = msh.slice(4, msh.indexOf(field, 4) < 0 ? 8 : msh.indexOf(field, 4));
  if (enc.length < 4 || new Set([field, ...enc]).size !== enc.length + 1) throw new Er7Error('MSH-2 must declare four distinct encoding characters', 'MSH-2', '102');
  const delimiters: Delimiters = { field, component: enc[0], repetition: enc[1], escape: enc[2], subcomponent: enc[3] };
  const segments = lines.map((line, i) => {
    const name = line.slice(0, 3);
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name) || (line.length > 3 && line[3] !== field)) throw new Er7Error(`Segment ${i + 1} has no valid segment name`, `${name || '?'}`, '100');
    const parts = line.split(field);
    // MSH-1 is the field separator itself; shift so that fields[n] is MSH-n.
    const fields = name === 'MSH' ? ['MSH', field, ...parts.slice(1)] : parts;
    return { name, fields, position: i + 1 };
  });
  return { delimiters, segments };
}

/** Undoes the escape sequences of one leaf value (\F\ \S\ \T\ \R\ \E\ \Xhh\ \.br\). */
export function unescape(value: string, d: Delimiters): string {
  if (!value.includes(d.escape)) return value;
  const e = d.escape.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return value.replace(new RegExp(`${e}([^${e}]*)${e}`, 'g'), (_m, seq: string) => {
    switch (seq[0]) {
      case 'F': return d.field;
      case 'S': return d.component;
      case 'T': return d.subcomponent;
      case 'R': return d.repetition;
      case 'E': return d.escape;
      case 'X': return Buffer.from(seq.slice(1), 'hex').toString('latin1');
      default: return seq === '.br' ? '\n' : '';
    }
  });
}

/** Escapes a value for use inside a field (for ACK and ERR texts). */
export function escape(value: string, d: Delimiters): string {
  return value
    .replaceAll(d.escape, `${d.escape}E${d.escape}`)
    .replaceAll(d.field, `${d.escape}F${d.escape}`)
    .replaceAll(d.component, `${d.escape}S${d.escape}`)
    .replaceAll(d.subcomponent, `${d.escape}T${d.escape}`)
    .replaceAll(d.repetition, `${d.escape}R${d.escape}`)
    .replace(/[\r\n]+/g, ' ');
}

export const segments = (m: Er7Message, name: string): Segment[] => m.segments.filter((s) => s.name === name);

/** A value by position: field n, repetition r (1-based), component c, sub-component s; unescaped. */
export function get(m: Er7Message, seg: Segment | undefined, field: number, component = 1, rep = 1, sub = 1): string {
  const raw = seg?.fields[field];
  if (raw === undefined || raw === '') return '';
  if (seg!.name === 'MSH' && field <= 2) return raw;
  const d = m.delimiters;
  const r = raw.split(d.repetition)[rep - 1] ?? '';
  const c = r.split(d.component)[component - 1] ?? '';
  const s = c.split(d.subcomponent)[sub - 1] ?? '';
  return unescape(s, d);
}

/** Every repetition of a field, as its raw (escaped) text. */
export function repetitions(m: Er7Message, seg: Segment | undefined, field: number): string[] {
  const raw = seg?.fields[field];
  return raw ? raw.split(m.delimiters.repetition) : [];
}

/** Components of one raw repetition, unescaped at the sub-component level. */
export function components(m: Er7Message, raw: string): string[][] {
  const d = m.delimiters;
  return raw.split(d.component).map((c) => c.split(d.subcomponent).map((s) => unescape(s, d)));
}
