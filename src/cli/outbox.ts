// `oncofhir outbox [--status queued|sent|failed|withheld] [--json]`: lists the Mon espace santé
// deliveries of the outbox (src/exchange), oldest first: document, action, status, attempts,
// next attempt or sent time, last error. Reads the configured database; changes nothing.
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { outboxRows, type OutboxRow } from '../exchange/index.js';

export function outboxLines(rows: OutboxRow[]): string[] {
  if (!rows.length) return ['No deliveries.'];
  return rows.map((r) => {
    const when = r.status === 'sent' ? `sent ${r.sent_at}` : r.status === 'queued' ? `next ${r.next_attempt_at}` : `at ${r.updated_at}`;
    return [`DocumentReference/${r.document_ref}`, r.action, r.status, `attempts=${r.attempts}`, when, r.last_error ? `error: ${r.last_error}` : ''].filter(Boolean).join('  ');
  });
}

export function outboxCommand(): Command {
  return new Command('outbox')
    .description('Lists the Mon espace santé (PDSm / MHD) deliveries: queued, sent, failed with the reason, withheld')
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(['queued', 'sent', 'failed', 'withheld']))
    .option('--limit <n>', 'most rows listed', '1000')
    .option('--json', 'one JSON array instead of lines')
    .action(async (opts: { status?: string; limit: string; json?: boolean }) => {
      const config = loadConfig();
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, preparedStatements: config.dbPreparedStatements });
      try {
        await migrate(db);
        const rows = await outboxRows(db, { status: opts.status, limit: Math.max(1, Number(opts.limit) || 1000) });
        process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${outboxLines(rows).join('\n')}\n`);
      } finally {
        await db.close();
      }
    });
}
