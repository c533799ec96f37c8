// Splits a migration script into statements on top-level `;`. Semicolons inside quoted strings,
// quoted identifiers, comments and dollar-quoted bodies ($$…$$, $tag$…$tag$, as in plpgsql
// trigger functions) do not split. Comments are dropped.

const TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;
const IDENT_CHAR = /[A-Za-z0-9_$]/;

export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  const push = () => {
    const s = cur.trim();
    if (s) out.push(s);
    cur = '';
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      i = endOfBlockComment(sql, i);
      cur += ' ';
      continue;
    }
    if (c === "'") {
      const escapes = /[Ee]/.test(sql[i - 1] ?? '') && !IDENT_CHAR.test(sql[i - 2] ?? '');
      const end = endOfQuoted(sql, i, "'", escapes);
      cur += sql.slice(i, end);
      i = end;
      continue;
    }
    if (c === '"') {
      const end = endOfQuoted(sql, i, '"', false);
      cur += sql.slice(i, end);
      i = end;
      continue;
    }
    if (c === '$' && !IDENT_CHAR.test(sql[i - 1] ?? '')) {
      const m = TAG.exec(sql.slice(i, i + 64));
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        if (close < 0) throw new Error(`Unterminated dollar-quoted body ${m[0]} in migration`);
        const end = close + m[0].length;
        cur += sql.slice(i, end);
        i = end;
        continue;
      }
    }
    if (c === ';') {
      push();
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  push();
  return out;
}

/** Index just after the closing quote; a doubled quote is an escaped quote. */
function endOfQuoted(sql: string, start: number, q: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === q && sql[i + 1] === q) i += 2;
    else if (c === q) return i + 1;
    else i++;
  }
  throw new Error('Unterminated quoted string in migration');
}

/** Index just after a (possibly nested) block comment. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw new Error('Unterminated block comment in migration');
}
