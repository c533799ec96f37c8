// Birth-date comparison tolerant of the two commonest entry errors: day/month swapped and a single mistyped digit.
export const DATE_LEVELS = { disagree: 0, close: 1, exact: 2 } as const;

export function compareDates(a: string, b: string): number {
  if (a === b) return DATE_LEVELS.exact;
  if (a.length !== 10 || b.length !== 10) return DATE_LEVELS.disagree;
  // YYYY-MM-DD: swapped day/month
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7)) return DATE_LEVELS.close;
  let diff = 0;
  for (let i = 0; i < 10; i++) if (a.charCodeAt(i) !== b.charCodeAt(i) && ++diff > 1) return DATE_LEVELS.disagree;
  return DATE_LEVELS.close;
}
