// ENCR incidence date: the earliest event, unless an event of higher priority falls within the window after it.
import rules from './rules/incidence-events.json' with { type: 'json' };
import type { IncidenceCandidate, IncidenceEvent } from './types.js';

const rank = new Map(rules.events.map((e) => [e.event, e]));

export function isIncidenceEvent(event: string): event is IncidenceEvent {
  return rank.has(event);
}

function addMonths(iso: string, months: number): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export function incidenceDate(candidates: (IncidenceCandidate & { recordId?: string })[]):
  (IncidenceCandidate & { recordId?: string }) | undefined {
  const valid = candidates.filter((c) => isIncidenceEvent(c.event) && /^\d{4}-\d{2}-\d{2}/.test(c.date));
  if (valid.length === 0) return undefined;
  const earliest = valid.reduce((a, b) => (b.date.slice(0, 10) < a.date.slice(0, 10) ? b : a));
  const limit = addMonths(earliest.date, rules.windowMonths);
  const inWindow = valid.filter((c) => c.date.slice(0, 10) <= limit);
  const key = (c: IncidenceCandidate) => [rank.get(c.event)!.priority, rank.get(c.event)!.subRank];
  return inWindow.sort((a, b) => {
    const [pa, sa] = key(a);
    const [pb, sb] = key(b);
    return pa - pb || sa - sb || a.date.localeCompare(b.date);
  })[0];
}
