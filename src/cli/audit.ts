// `oncofhir audit verify`: checks the tamper-evident audit trail (src/security/audit) and exits
// 0 when the hash chain is intact, 1 when it is broken (naming the first broken record).
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { verifyAuditChain } from '../security/audit/verify.js';

/** Below this many records the check is quick and no progress bar is drawn. */
const PROGRESS_FROM = 20_000;

export function auditCommand(): Command {
  const audit = new Command('audit').description('Audit trail tools');
  audit
    .command('verify')
    .description('Verify the hash chain of the audit trail (AuditEvent records): every record, every link, and the chain head')
    .addHelpText('after', `
The database is the server's: DATABASE_URL (PostgreSQL, may be checked while servers run) or
DATA_DIR (embedded PGlite, default ./data; stop the server first, PGlite allows one process).
Exit codes: 0 intact, 1 broken (the first broken record's position and id are printed).
Keep the printed head (position and hash) outside the database, and pass it later with
--anchor: links alone cannot reveal a chain recomputed as a whole, an anchor can.`)
    .option('--anchor <pos:hash...>', 'a position:hash printed by an earlier run; the record there must still have that hash')
    .action(async (opts: { anchor?: string[] }) => {
      const anchors = (opts.anchor ?? []).map((a) => {
        const m = /^(\d+):([0-9a-fA-F]{64})$/.exec(a.trim());
        if (!m) audit.error(`--anchor takes position:hash (64 hex digits), not "${a.slice(0, 80)}"`, { exitCode: 2 });
        return { pos: Number(m![1]), hash: m![2] };
      });
      const config = loadConfig();
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, preparedStatements: config.dbPreparedStatements });
      let bar: cliProgress.SingleBar | undefined;
      try {
        await migrate(db);
        const started = Date.now();
        const result = await verifyAuditChain(db, {
          anchors,
          onProgress: (checked, total) => {
            if (!bar && total >= PROGRESS_FROM) {
              bar = new cliProgress.SingleBar({ format: 'audit verify [{bar}] {percentage}% | {value}/{total} records | ETA {eta_formatted}', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000, hideCursor: true }, cliProgress.Presets.shades_classic);
              bar.start(total, 0);
            }
            bar?.update(checked);
          },
        });
        bar?.stop();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (result.ok) {
          console.log(`Audit trail intact: ${result.records} records verified in ${seconds} s. Head: ${result.head.pos}:${result.head.hash} (keep it; check it later with --anchor).`);
          process.exitCode = 0;
        } else {
          const b = result.firstBroken;
          console.log(`Audit trail BROKEN at position ${b.pos}${b.id ? `, id ${b.id}` : ''}: ${b.reason}. ${result.records} records before it are intact.`);
          process.exitCode = 1;
        }
      } finally {
        bar?.stop();
        await db.close();
      }
    });
  return audit;
}
