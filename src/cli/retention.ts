// `oncofhir retention run [--dry-run]`: runs the retention job once (src/retention) on the
// configured database, with progress on stderr and a summary of counts on stdout (never names or
// identifiers). A real run takes the same cluster-wide lock as the scheduled runs of the servers.
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { openContext } from '../server.js';
import { runRetention, type RetentionSummary } from '../retention/run.js';
import { withRetentionLock } from '../retention/schedule.js';

export function summaryText(s: RetentionSummary, config: { retentionIdentifyingMonths: number; retentionPseudonymisedYears: number }): string {
  const verb = s.dryRun ? 'Would pseudonymise' : 'Pseudonymised';
  const verb2 = s.dryRun ? 'would erase' : 'erased';
  return [
    `Retention${s.dryRun ? ' (dry run, nothing changed)' : ''}: identifying data kept ${config.retentionIdentifyingMonths} months, pseudonymised data ${config.retentionPseudonymisedYears} years after last use.`,
    `${verb} ${s.pseudonymised} person(s) (${s.resourcesRewritten} resources, ${s.versionsRewritten} stored versions rewritten); ` +
      `${verb2} ${s.erased} person(s) (${s.resourcesErased} resources with all their versions${s.sharedKept ? `; ${s.sharedKept} shared with other persons kept` : ''}).`,
    `Registry: ${s.registryIdentities} identity record(s) ${s.dryRun ? 'would be ' : ''}reduced to their person key.`,
  ].join('\n');
}

export function retentionCommand(): Command {
  const cmd = new Command('retention').description('Data minimisation: pseudonymise and erase persons past their retention limits');
  cmd
    .command('run')
    .description('Pseudonymise persons unused for RETENTION_IDENTIFYING_MONTHS (24) and erase those unused for RETENTION_PSEUDONYMISED_YEARS (20)')
    .option('--dry-run', 'report what would be purged, change nothing')
    .action(async (opts: { dryRun?: boolean }) => {
      const config = loadConfig();
      const ctx = await openContext(config);
      const bar = new cliProgress.SingleBar(
        { format: 'retention [{bar}] {value}/{total} persons', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const onProgress = (done: number, total: number) => {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      };
      try {
        const dryRun = !!opts.dryRun;
        const out = dryRun
          ? { ran: true as const, value: await runRetention(ctx.db, config, { dryRun, onProgress }) }
          : await withRetentionLock(ctx.db, () => runRetention(ctx.db, config, { onProgress }));
        if (started) bar.stop();
        if (!out.ran) {
          console.log('Another node is running retention now; nothing done.');
        } else {
          console.log(summaryText(out.value, config));
        }
        process.exitCode = 0;
      } catch (e) {
        if (started) bar.stop();
        console.error(`retention run failed: ${(e as Error).name}${(e as { code?: string }).code ? ` (${(e as { code?: string }).code})` : ''}`);
        process.exitCode = 1;
      } finally {
        await ctx.db.close();
      }
    });
  return cmd;
}
