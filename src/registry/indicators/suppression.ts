// Statistical disclosure control of a published 2-D table with its margins (issue 6 §5: "cells under 11 are
// suppressed, including by difference").
//
// The table is handled in its extended form: (R+1) × (C+1) counts, the last row holding the column totals, the
// last column the row totals, the corner the grand total. Every line (row or column, margins included) is then an
// additive relation, and margins are cells like the others: they can be suppressed too.
//
// Method (greedy, iterated until nothing changes):
//  1. primary: every count from 1 to THRESHOLD − 1 is suppressed (0 is published: it identifies no one);
//  2. a line with exactly one suppressed cell gives it away by difference: suppress a second cell of that line;
//  3. two or more per line is not enough: in the bipartite graph rows × columns whose edges are the suppressed
//     cells, a cell that lies on no cycle (a bridge) is still the difference of sums of lines; a cell that closes a
//     cycle through it is suppressed.
// A set of suppressed cells with no bridge cannot be solved from the published lines: every suppressed cell can
// move by ±1 around a cycle, all lines keeping their sums (see disclosure-check.ts, which tries). Candidates for
// secondary suppression are non-zero cells (a zero on a cycle would pin it under non-negativity), inner cells before
// margins, cells whose other line is already suppressed (closing a cycle), then the smallest counts (least loss).
export const THRESHOLD = 11;

export const isPrimary = (n: number) => n >= 1 && n < THRESHOLD;

type Cell = [number, number];

/** Marks the cells to suppress in an extended table (last row and column = margins). */
export function protect(ext: number[][]): boolean[][] {
  const R = ext.length, C = ext[0]?.length ?? 0;
  const s = ext.map((row) => row.map(isPrimary));
  const rowCount = s.map((row) => row.filter(Boolean).length);
  const colCount = Array.from({ length: C }, (_, j) => s.reduce((n, row) => n + (row[j] ? 1 : 0), 0));
  const mark = ([i, j]: Cell) => { s[i][j] = true; rowCount[i]++; colCount[j]++; };
  // Lower is better: zero last, margins after inner cells, a cycle-closing cell first, then the smallest count.
  const score = ([i, j]: Cell, closes: boolean) =>
    (ext[i][j] === 0 ? 4e12 : 0) + (i === R - 1 || j === C - 1 ? 2e12 : 0) + (closes ? 0 : 1e12) + ext[i][j];
  const best = (cands: Cell[], closes: (c: Cell) => boolean): Cell | undefined => {
    let pick: Cell | undefined, pickScore = Infinity;
    for (const c of cands) { const sc = score(c, closes(c)); if (sc < pickScore) { pick = c; pickScore = sc; } }
    return pick;
  };
  for (;;) {
    let changed = false;
    for (let i = 0; i < R; i++) if (rowCount[i] === 1) {
      const cands: Cell[] = [];
      for (let j = 0; j < C; j++) if (!s[i][j]) cands.push([i, j]);
      const c = best(cands, ([, j]) => colCount[j] > 0);
      if (c) { mark(c); changed = true; }
    }
    for (let j = 0; j < C; j++) if (colCount[j] === 1) {
      const cands: Cell[] = [];
      for (let i = 0; i < R; i++) if (!s[i][j]) cands.push([i, j]);
      const c = best(cands, ([i]) => rowCount[i] > 0);
      if (c) { mark(c); changed = true; }
    }
    if (changed) continue;
    const bridge = findBridge(s);
    if (!bridge) return s;
    // Sides of the bridge once it is cut: a cell from a row on the column's side to a column on the row's side
    // closes a cycle through it.
    const side = reachable(s, bridge);
    const cands: Cell[] = [];
    for (let i = 0; i < R; i++) if (side.rows[i] === 'col') for (let j = 0; j < C; j++) if (side.cols[j] === 'row' && !s[i][j]) cands.push([i, j]);
    const c = best(cands, () => true);
    if (!c) throw new Error('suppression: no cell can protect a bridge'); // cannot happen: both sides have ≥ 2 lines
    mark(c);
  }
}

/** A suppressed cell lying on no cycle of the rows × columns graph (iterative Tarjan), or undefined. */
export function findBridge(s: boolean[][]): Cell | undefined {
  const R = s.length, C = s[0]?.length ?? 0, N = R + C;
  const adj: number[][] = Array.from({ length: N }, () => []);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) if (s[i][j]) { adj[i].push(R + j); adj[R + j].push(i); }
  const disc = new Int32Array(N).fill(-1), low = new Int32Array(N), parent = new Int32Array(N).fill(-1), next = new Int32Array(N);
  let time = 0;
  for (let root = 0; root < N; root++) {
    if (disc[root] >= 0 || adj[root].length === 0) continue;
    const stack = [root];
    disc[root] = low[root] = time++;
    while (stack.length) {
      const v = stack[stack.length - 1];
      if (next[v] < adj[v].length) {
        const w = adj[v][next[v]++];
        if (disc[w] < 0) { parent[w] = v; disc[w] = low[w] = time++; stack.push(w); }
        else if (w !== parent[v]) low[v] = Math.min(low[v], disc[w]); // simple graph: one edge per (row, column)
      } else {
        stack.pop();
        const p = parent[v];
        if (p >= 0) {
          low[p] = Math.min(low[p], low[v]);
          if (low[v] > disc[p]) return p < R ? [p, v - R] : [v, p - R];
        }
      }
    }
  }
  return undefined;
}

/** Which side of a cut bridge (row i, column j) every line lies on: 'row' (reachable from row i), 'col', or none. */
function reachable(s: boolean[][], [bi, bj]: Cell): { rows: (string | undefined)[]; cols: (string | undefined)[] } {
  const R = s.length, C = s[0].length;
  const rows: (string | undefined)[] = new Array(R), cols: (string | undefined)[] = new Array(C);
  const walk = (start: ['r' | 'c', number], label: string) => {
    const queue = [start];
    (start[0] === 'r' ? rows : cols)[start[1]] = label;
    while (queue.length) {
      const [kind, k] = queue.pop()!;
      if (kind === 'r') { for (let j = 0; j < C; j++) if (s[k][j] && !(k === bi && j === bj) && !cols[j]) { cols[j] = label; queue.push(['c', j]); } }
      else for (let i = 0; i < R; i++) if (s[i][k] && !(i === bi && k === bj) && !rows[i]) { rows[i] = label; queue.push(['r', i]); }
    }
  };
  walk(['r', bi], 'row');
  walk(['c', bj], 'col');
  return { rows, cols };
}
