// Boots a server node: database, migrations, HTTP. Stateless apart from the database, so
// several nodes can run behind a load balancer on one PostgreSQL.
import type { Server } from 'node:http';
import type { Config } from './config.js';
import { openDb, type Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/hardening/index.js';
import type { ApiContext } from './api/types.js';
import { installModules } from './modules.js';
import { log } from './log.js';
import { startRetentionSchedule } from './retention/schedule.js';
import { startMllp } from './hl7v2/listener.js';
import { mhdConfig, startDeliveryWorker } from './exchange/index.js';
import { startRegistrySchedule } from './registry/store/schedule.js';

export interface Running {
  ctx: ApiContext;
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function openContext(config: Config, db?: Db): Promise<ApiContext> {
  const database = db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, statementTimeoutMs: config.dbStatementTimeoutMs, preparedStatements: config.dbPreparedStatements }));
  const applied = await migrate(database);
  if (applied.length) log.info('migrations applied', { applied });
  const ctx: ApiContext = { db: database, config };
  if (config.auth === 'off') {
    log.warn('!!! AUTH=off: every request is served WITHOUT authentication or authorisation. Local experiments only, never with real patient data. !!!');
  }
  await installModules(ctx);
  return ctx;
}

export async function startServer(config: Config, db?: Db): Promise<Running> {
  const ctx = await openContext(config, db);
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app, config).listen(config.port, config.host, () => resolve(s)); // with REQUEST_TIMEOUT_MS etc.
    s.on('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const retention = startRetentionSchedule(ctx); // first run one interval after start-up
  const delivery = startDeliveryWorker(ctx, mhdConfig()); // Mon espace santé outbox (MHD_RECIPIENT_URL)
  const registry = startRegistrySchedule(ctx); // linkage + consolidation runs, export take-over
  const mllp = config.mllpPort
    ? await startMllp(ctx, { port: config.mllpPort, host: config.mllpHost, maxBytes: config.mllpMaxBytes, idleTimeoutMs: config.mllpIdleTimeoutMs, tls: config.mllpTls })
    : undefined;
  return {
    ctx,
    server,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await retention.stop();
      await delivery.stop();
      await registry.stop();
      await mllp?.close();
      await new Promise<void>((r) => server.close(() => r()));
      await ctx.db.close();
    },
  };
}
