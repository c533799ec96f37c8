// Registry background work in every server process: a linkage + consolidation run every
// REGISTRY_RUN_INTERVAL_MINUTES (one node at a time, by advisory lock), and export jobs whose node
// died taken over once their lease expires. The timer never keeps a process alive.
import type { ApiContext } from '../../api/types.js';
import { idleJob, repeat, type RepeatingJob } from '../../jobs/repeat.js';
import { describeError, log } from '../../log.js';
import { loadProjectKeys } from '../pseudonyms.js';
import { claimExport, runExport } from './export-job.js';
import { runRegistry } from './run.js';
import { serverRegistryKey } from './server-key.js';

export function startRegistrySchedule(ctx: ApiContext): RepeatingJob {
  const minutes = ctx.config.registryRunIntervalMinutes;
  if (!minutes) return idleJob;
  return repeat(minutes * 60_000, async () => {
    try {
      const out = await runRegistry(ctx.db, serverRegistryKey(ctx.config.dataDir).secret);
      if (out.ran) log.info('registry run', { ...out.value });
      if (!process.env.REGISTRY_PROJECT_KEYS_FILE) return;
      const keys = loadProjectKeys();
      for (let job = await claimExport(ctx.db); job; job = await claimExport(ctx.db)) await runExport(ctx.db, job, keys);
    } catch (e) {
      log.error('registry run failed', describeError(e));
    }
  });
}
