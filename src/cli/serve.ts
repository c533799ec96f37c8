// `oncofhir serve`: runs the FHIR server until SIGINT/SIGTERM.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { log } from '../log.js';
import { startServer } from '../server.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve FHIR R4 over HTTP (configuration from the environment: PORT, BASE_URL, DATA_DIR, DATABASE_URL…)')
    .option('-p, --port <port>', 'port to listen on (default: PORT or 8080)')
    .action(async (opts: { port?: string }) => {
      if (opts.port) process.env.PORT = opts.port;
      const config = loadConfig();
      const running = await startServer(config);
      log.info('oncofhir listening', { fhir: config.baseUrl, storage: config.databaseUrl ? 'postgresql' : `pglite:${config.dataDir}` });
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        log.info('shutting down');
        await running.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
