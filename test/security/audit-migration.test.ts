import { describe, expect, it } from 'vitest';
import { splitSql } from '../../src/store/split-sql.js';
import { migrationFiles } from '../../src/store/migrate.js';

describe('splitting migration scripts into statements', () => {
  it('keeps dollar-quoted function bodies whole, with their semicolons', () => {
    const sql = `-- a comment; with a semicolon
CREATE TABLE t (a int);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'no; never';
END
$$;
CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;$$y' $body$;
SELECT $1::int;`;
    expect(splitSql(sql)).toEqual([
      'CREATE TABLE t (a int)',
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'no; never';\nEND\n$$",
      "CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;$$y' $body$",
      'SELECT $1::int',
    ]);
  });

  it('does not split inside strings, quoted identifiers or block comments', () => {
    expect(splitSql(`INSERT INTO "a;b" VALUES ('it''s; fine', E'\\'; still'); /* x; /* nested; */ y; */ SELECT 1`)).toEqual([
      `INSERT INTO "a;b" VALUES ('it''s; fine', E'\\'; still')`,
      'SELECT 1',
    ]);
  });

  it('splits the audit migration into its tables, triggers and functions', () => {
    const stmts = splitSql(migrationFiles().find((m) => m.name === '005_audit.sql')!.sql);
    expect(stmts.filter((s) => s.startsWith('CREATE FUNCTION'))).toHaveLength(2);
    expect(stmts.filter((s) => s.startsWith('CREATE TRIGGER'))).toHaveLength(4);
    expect(stmts.every((s) => !s.includes('--'))).toBe(true);
  });
});
