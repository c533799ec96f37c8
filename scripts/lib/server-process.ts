// Runs `oncofhir serve` as a child process, so that the load generator and the server do not
// share an event loop, and so that the server's peak RSS (VmHWM) can be read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { devClientPrivateKey } from '../../src/security/clients.js';
import { requestToken } from '../../src/security/client-assertion.js';
import { createRequire } from 'node:module';

const ROOT = join(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  /** Authorization header value: a token from the server's own endpoint (dev client). */
  authorization: string;
  child: ChildProcess;
  peakRssMiB(): number;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string | undefined>, port: number): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") runs the server under node
  // flags that NODE_OPTIONS refuses; the server is then started through tsx's loader, in one process.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const argv = nodeArgs.length
    ? [...nodeArgs, '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve']
    : [createRequire(import.meta.url).resolve('tsx/cli'), join(ROOT, 'src/cli/main.ts'), 'serve'];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, TOKEN_TTL_SECONDS: '86400', RATE_LIMIT_PER_MINUTE: '0', MLLP_PORT: '0', ...env, PORT: String(port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${port}/fhir`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/fhir`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/metadata`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    if (i > 1200) throw new Error('server did not answer within 2 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Auth is on, as in production: the benchmark is a SMART backend-services client.
  const dataDir = resolve(env.DATA_DIR ?? process.env.DATA_DIR ?? './data');
  const { access_token } = await requestToken({ tokenUrl: `http://127.0.0.1:${port}/auth/token`, clientId: 'dev', privateJwk: await devClientPrivateKey(dataDir), scope: 'system/*.cruds' });
  // tsx runs the server in a grandchild; peak RSS is the sum of VmHWM over the process tree (tsx wrapper, cluster primary and workers).
  const peakRssMiB = () => {
    let total = 0;
    for (const pid of descendants(child.pid!)) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) total += Number(m[1]) / 1024;
      } catch { /* gone */ }
    }
    return Math.round(total);
  };
  return {
    url,
    authorization: `Bearer ${access_token}`,
    child,
    peakRssMiB,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

function descendants(pid: number): number[] {
  const out = [pid];
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    for (const k of kids) out.push(...descendants(k));
  } catch { /* no children file */ }
  return out;
}
