// The attacker's side of suppression.ts: given a published extended table (null = suppressed; last row and column
// = margins), which suppressed cells can be recovered exactly from the published figures? Written independently of
// the protection method: first by plain differencing (a line with one unknown), then by linear algebra — a cell is
// determined when the unit vector of its unknown lies in the row space of the line equations (exact rational
// Gauss–Jordan elimination on the equations left after substituting the published counts). Sized for test and
// review tables (dense elimination), not for tables with tens of thousands of suppressed cells.
export interface Recovered { row: number; col: number; value: number }

export function recoverSuppressed(published: (number | null)[][]): Recovered[] {
  const R = published.length, C = published[0]?.length ?? 0;
  const t = published.map((row) => [...row]);
  const found: Recovered[] = [];
  // Each line: sum of its inner cells − its margin = 0 (the corner closes both margin lines).
  const lines: [number, number][][] = [];
  for (let i = 0; i < R; i++) lines.push([...Array.from({ length: C - 1 }, (_, j) => [i, j] as [number, number]), [i, C - 1]]);
  for (let j = 0; j < C; j++) lines.push([...Array.from({ length: R - 1 }, (_, i) => [i, j] as [number, number]), [R - 1, j]]);
  const sign = (line: [number, number][], k: number) => (k === line.length - 1 ? -1 : 1);

  // 1. Differencing until nothing moves.
  for (let moved = true; moved;) {
    moved = false;
    for (const line of lines) {
      const unknown = line.map((c, k) => [c, k] as const).filter(([[i, j]]) => t[i][j] === null);
      if (unknown.length !== 1) continue;
      const [[ui, uj], uk] = unknown[0];
      const rest = line.reduce((acc, [i, j], k) => (t[i][j] === null ? acc : acc + sign(line, k) * (t[i][j] as number)), 0);
      const v = -rest * sign(line, uk);
      t[ui][uj] = v; found.push({ row: ui, col: uj, value: v }); moved = true;
    }
  }
  // 2. Linear algebra on what is left: exact fractions (bigint numerator/denominator).
  const unknowns: [number, number][] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) if (t[i][j] === null) { index.set(`${i},${j}`, unknowns.length); unknowns.push([i, j]); }
  const U = unknowns.length;
  if (!U) return found;
  type Q = [bigint, bigint];
  const gcd = (a: bigint, b: bigint): bigint => { a = a < 0n ? -a : a; b = b < 0n ? -b : b; while (b) [a, b] = [b, a % b]; return a || 1n; };
  const norm = ([n, d]: Q): Q => { if (d < 0n) { n = -n; d = -d; } const g = gcd(n, d); return [n / g, d / g]; };
  const sub = (a: Q, b: Q): Q => norm([a[0] * b[1] - b[0] * a[1], a[1] * b[1]]);
  const mul = (a: Q, b: Q): Q => norm([a[0] * b[0], a[1] * b[1]]);
  const div = (a: Q, b: Q): Q => norm([a[0] * b[1], a[1] * b[0]]);
  const rows: Q[][] = [];
  for (const line of lines) {
    const row: Q[] = Array.from({ length: U + 1 }, () => [0n, 1n] as Q);
    let any = false;
    line.forEach(([i, j], k) => {
      const s = BigInt(sign(line, k));
      if (t[i][j] === null) { row[index.get(`${i},${j}`)!] = [s, 1n]; any = true; }
      else row[U] = sub(row[U], [s * BigInt(t[i][j] as number), 1n]);
    });
    if (any) rows.push(row);
  }
  const pivotOfRow: number[] = [];
  let r = 0;
  for (let col = 0; col < U && r < rows.length; col++) {
    const p = rows.findIndex((row, k) => k >= r && row[col][0] !== 0n);
    if (p < 0) continue;
    [rows[r], rows[p]] = [rows[p], rows[r]];
    const pv = rows[r][col];
    rows[r] = rows[r].map((x) => div(x, pv));
    for (let k = 0; k < rows.length; k++) if (k !== r && rows[k][col][0] !== 0n) {
      const f = rows[k][col];
      rows[k] = rows[k].map((x, c) => sub(x, mul(f, rows[r][c])));
    }
    pivotOfRow[r++] = col;
  }
  for (let k = 0; k < r; k++) {
    const col = pivotOfRow[k];
    if (rows[k].slice(0, U).every((x, c) => c === col || x[0] === 0n)) {
      const [n, d] = rows[k][U];
      found.push({ row: unknowns[col][0], col: unknowns[col][1], value: Number(n) / Number(d) });
    }
  }
  return found;
}
