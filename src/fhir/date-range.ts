// The implicit time range of a FHIR date/dateTime/instant at its precision (search.html#date).
import { badRequest } from './errors.js';

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface DateRange { lo: string; hi: string }

/** [lo, hi] inclusive, as ISO instants; values without a zone are taken as UTC. */
export function dateRange(value: string, where?: string): DateRange {
  const m = DATE_RE.exec(value.trim());
  if (!m) throw badRequest(`"${value.slice(0, 40)}" is not a FHIR date, dateTime or instant`, where ? [where] : undefined);
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const zone = tz ?? 'Z';
  const iso = (yy: string, mm = '01', dd = '01', hh = '00', mn = '00', ss = '00', ms = '.000') => `${yy}-${mm}-${dd}T${hh}:${mn}:${ss}${ms}${zone}`;
  const lo = new Date(iso(y, mo, d, h, mi, s, frac ? (frac + '000').slice(0, 4) : '.000'));
  // Date.parse rolls 2021-02-30 over to March; a real date reads back the same day.
  const rolled = d && new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDate() !== +d;
  if (Number.isNaN(lo.getTime()) || rolled || (mo && (+mo < 1 || +mo > 12))) throw badRequest(`"${value}" is not a valid date`, where ? [where] : undefined);
  let next: Date;
  if (!mo) next = new Date(iso(String(+y + 1)));
  else if (!d) next = new Date(Date.UTC(+y, +mo, 1) - offsetMs(zone));
  else if (!h) next = new Date(lo.getTime() + 86_400_000);
  else if (!s) next = new Date(lo.getTime() + 60_000);
  else if (!frac) next = new Date(lo.getTime() + 1000);
  else next = new Date(lo.getTime() + 1);
  return { lo: lo.toISOString(), hi: new Date(next.getTime() - 1).toISOString() };
}

function offsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}
