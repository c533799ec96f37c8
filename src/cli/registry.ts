// `oncofhir registry run`: one linkage + consolidation run of the registry on the configured
// database (the same cluster-wide lock as the servers' scheduled runs), with progress on stderr and
// the run's figures on stdout (counts only, never identities).
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { openContext } from '../server.js';
import { runRegistry } from '../registry/store/run.js';
import { serverRegistryKey } from '../registry/store/server-key.js';

export function registryCommand(): Command {
  const cmd = new Command('registry').description('Cancer registry: link source records into persons and consolidate tumours');
  cmd
    .command('run')
    .description('Link every registry record (keyed INS, Fellegi–Sunter, registrar decisions) and consolidate tumours (IARC/IACR 2004)')
    .action(async () => {
      const config = loadConfig();
      const ctx = await openContext(config);
      const bar = new cliProgress.SingleBar({ format: 'registry {phase} [{bar}] {percentage}%', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, cliProgress.Presets.shades_classic);
      let started = false;
      try {
        const out = await runRegistry(ctx.db, serverRegistryKey(config.dataDir).secret, (phase, done, total) => {
          if (!started) { bar.start(Math.max(total, 1), done, { phase }); started = true; }
          else { bar.setTotal(Math.max(total, 1)); bar.update(done, { phase }); }
        });
        if (started) bar.stop();
        if (!out.ran) console.log('Another node is running the registry now; nothing done.');
        else {
          const v = out.value;
          console.log(`records ${v.records} (source records ${v.sourceRecords}) persons ${v.persons} tumours ${v.tumours} links ${v.links} (INS ${v.deterministicLinks}) review pairs ${v.reviewPairs} decisions ${v.decisionsApplied} seconds ${(v.ms / 1000).toFixed(1)}`);
        }
        process.exitCode = 0;
      } catch (e) {
        if (started) bar.stop();
        console.error(`registry run failed: ${(e as Error).message.slice(0, 200)}`);
        process.exitCode = 1;
      } finally {
        await ctx.db.close();
      }
    });
  return cmd;
}
