// HL7 v3 TS (point in time) values: YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ].
// 'format' = not even the XSD's ts lexical pattern; 'calendar' = well formed but not a real date
// or time (month 13, 30 February, hour 25…), which neither the XSD nor the schematrons catch.

// The pattern of the CDA XSD (datatypes-base.xsd, simple type ts).
const XSD_TS = /^(?:[0-9]{1,8}|(?:[0-9]{9,14}|[0-9]{14}\.[0-9]+)(?:[+-][0-9]{1,4})?)$/;
const PARTS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?(?:([+-])(\d{2})(\d{2}))?$/;

export function timestampProblem(v: string): 'format' | 'calendar' | undefined {
  if (!XSD_TS.test(v)) return 'format';
  const m = PARTS.exec(v);
  if (!m) return 'calendar';
  const [, y, mo, d, h, mi, s, , zh, zm] = m;
  const year = Number(y);
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return 'calendar';
  if (d !== undefined) {
    const days = new Date(Date.UTC(year, Number(mo), 0)).getUTCDate();
    if (Number(d) < 1 || Number(d) > days) return 'calendar';
  }
  if (h !== undefined && Number(h) > 23) return 'calendar';
  if (mi !== undefined && Number(mi) > 59) return 'calendar';
  if (s !== undefined && Number(s) > 60) return 'calendar';
  if (zh !== undefined && (Number(zh) > 14 || Number(zm) > 59)) return 'calendar';
  return undefined;
}
