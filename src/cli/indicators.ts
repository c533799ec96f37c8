// `oncofhir indicators <cases.ndjson> --by year,sex,... --format json|csv`: aggregated open-data counts of
// consolidated cases, small cells suppressed (see src/registry/indicators/suppression.ts). Table on stdout,
// summary and refused lines on stderr.
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildIndicators, parseDimensions, toCsv, toJson, type Dimension, type IndicatorCase } from '../registry/indicators/indicators.js';

export function indicatorsCommand(): Command {
  return new Command('indicators')
    .description('Open-data counts of consolidated cases (NDJSON: year, sex, birthDate|ageAtDiagnosis, departement, siteGroup|topography[, morphology], restricted?) with small-cell suppression')
    .argument('<cases>', 'NDJSON file, one case per line')
    .option('--by <dims>', 'dimensions among year,sex,ageGroup,departement,site; the last is the column', 'year,sex,site')
    .option('--column <dim>', 'column dimension (default: the last of --by)')
    .option('--format <format>', 'json or csv', 'csv')
    .option('--out <file>', 'write the table here instead of stdout')
    .action((input: string, opts: { by: string; column?: string; format: string; out?: string }) => {
      if (opts.format !== 'json' && opts.format !== 'csv') { process.stderr.write(`--format: json or csv, not ${opts.format}\n`); process.exitCode = 2; return; }
      let by: Dimension[];
      try { by = parseDimensions(opts.by); if (opts.column) parseDimensions(opts.column); } catch (e) { process.stderr.write(`${(e as Error).message}\n`); process.exitCode = 2; return; }
      const cases: IndicatorCase[] = [], lineNos: number[] = [];
      let refused = 0;
      readFileSync(input, 'utf8').split(/\r?\n/).forEach((line, k) => {
        if (!line.trim()) return;
        try { cases.push(JSON.parse(line) as IndicatorCase); lineNos.push(k + 1); } catch { refused++; process.stderr.write(`${input}:${k + 1}: not JSON\n`); }
      });
      const run = buildIndicators(cases, by, opts.column as Dimension | undefined);
      for (const bad of run.excluded.invalid) process.stderr.write(`${input}:${lineNos[bad.index - 1]}: ${bad.reason}\n`);
      const text = opts.format === 'csv' ? toCsv(run.table) : JSON.stringify(toJson(run.table), null, 2) + '\n';
      if (opts.out) writeFileSync(opts.out, text); else process.stdout.write(text);
      const s = run.table.suppressed;
      process.stderr.write(`cases counted ${run.counted}  excluded (restricted processing) ${run.excluded.restricted}  invalid ${run.excluded.invalid.length + refused}  suppressed ${s.primary} primary + ${s.secondary} secondary\n`);
      if (refused || run.excluded.invalid.length) process.exitCode = 1;
    });
}
