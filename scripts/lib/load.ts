// A small closed-loop HTTP load generator: N keep-alive clients, each sending its next request
// as soon as the previous answer arrives, for a fixed duration. Reports throughput and exact
// latency percentiles (autocannon and wrk report p97.5/p99 but not p95).
import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export async function runLoad(baseUrl: string, nextPath: (i: number) => string, opts: { clients: number; seconds: number; authorization?: string }): Promise<LoadResult> {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  const latencies: number[] = [];
  let errors = 0, counter = 0;
  const deadline = Date.now() + opts.seconds * 1000;
  const started = process.hrtime.bigint();
  const once = (path: string) => new Promise<number>((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: u.hostname, port: u.port, path, agent, headers: { accept: 'application/fhir+json', ...(opts.authorization ? { authorization: opts.authorization } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? Number(process.hrtime.bigint() - t0) / 1e6 : -1));
    });
    req.on('error', () => resolve(-1));
    req.end();
  });
  const client = async () => {
    while (Date.now() < deadline) {
      const ms = await once(nextPath(counter++));
      if (ms < 0) errors++;
      else latencies.push(ms);
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN);
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: pct(50), p95: pct(95), p99: pct(99) };
}
