// `oncofhir serve`: runs the FHIR server until SIGINT/SIGTERM. On PostgreSQL it forks one HTTP
// worker per CPU (node:cluster) sharing the port: nodes are stateless, so this is the same
// scale-out model as several machines behind a load balancer.
import cluster from 'node:cluster';
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { log } from '../log.js';
import { startServer } from '../server.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve FHIR R4 over HTTP (configuration from the environment: PORT, BASE_URL, DATA_DIR, DATABASE_URL, WORKERS…)')
    .option('-p, --port <port>', 'port to listen on (default: PORT or 8080)')
    .option('-w, --workers <n>', 'HTTP worker processes (PostgreSQL only; default: WORKERS or one per CPU)')
    .action(async (opts: { port?: string; workers?: string }) => {
      if (opts.port) process.env.PORT = opts.port;
      if (opts.workers) process.env.WORKERS = opts.workers;
      const config = loadConfig();
      if (config.workers > 1 && cluster.isPrimary) return supervise(config.workers);
      const running = await startServer(config);
      if (cluster.isPrimary) log.info('oncofhir listening', { fhir: config.baseUrl, storage: config.databaseUrl ? 'postgresql' : `pglite:${config.dataDir}` });
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await running.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

/** Primary process: forks the workers, restarts one that dies, stops them all on a signal. */
function supervise(n: number): void {
  let stopping = false;
  for (let i = 0; i < n; i++) cluster.fork();
  let ready = 0;
  cluster.on('listening', () => {
    if (++ready === n) log.info('oncofhir listening', { fhir: loadConfig().baseUrl, storage: 'postgresql', workers: n });
  });
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    log.warn('worker exited; starting another', { pid: worker.process.pid, code });
    cluster.fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down');
    const workers = Object.values(cluster.workers ?? {});
    let left = workers.length;
    if (!left) process.exit(0);
    for (const w of workers) {
      w?.once('exit', () => --left === 0 && process.exit(0));
      w?.process.kill('SIGTERM');
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
