// HL7 v2 benchmark: MDM^T02 messages carrying a CDA fiche RCP (examples/cda), each a new document
// (its own setId and id) about the same patient, sent over MLLP on 127.0.0.1 to `oncofhir serve` run as
// a child process (production defaults: auth and the audit trail on; on PostgreSQL one worker per CPU,
// each listening for MLLP). Each connection is a sending application: it keeps its connection open and
// sends its messages one after another, the next once the previous one's ACK came back (AA only after
// the document is stored: validated, converted, committed, audited). Several connections in parallel
// are several senders. Prints messages/s, latency, the load average of the machine, and the CPU time
// per message of the server processes and of the PostgreSQL backends serving them (read from /proc:
// on a shared machine, CPU time per message is steadier than messages/s).
// Usage: npm run bench:hl7 [-- --messages 800 --connections 8 --only postgres]
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { openMllpSession } from '../src/hl7v2/send.js';
import { benchDatabases } from './lib/bench-db.js';
import { startServerProcess } from './lib/server-process.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '400' }, connections: { type: 'string', default: '4' }, only: { type: 'string' } } });
const MESSAGES = Number(values.messages), CONNECTIONS = Number(values.connections);
const CDA = readFileSync(join(import.meta.dirname, '../examples/cda/fiche-rcp.xml'), 'utf8');

/** Message i: its own document (setId and id), so every message is a new document to store. */
function message(i: number, run: string): string {
  const cda = CDA.replace(/<setId root="[^"]+"\/>/, `<setId root="1.2.250.1.999.77.${run}" extension="doc-${i}"/>`).replace(
    /<id root="1\.2\.250\.1\.999\.35\.1" extension="[^"]+"\/>/,
    `<id root="1.2.250.1.999.78.${run}" extension="doc-${i}"/>`,
  );
  return [
    `MSH|^~\\&|BENCH|CHU-BENCH|ONCOFHIR|INCA|20261201120000||MDM^T02^MDM_T02|B${run}-${i}|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2`,
    'EVN||20261201120000',
    'PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS',
    'PV1|1|O',
    'ORC|NW|',
    'OBR|1|||34794-8^CR de RCP^LN|',
    'TXA|1|34794-8|TEXT|20261201120000|||||||||||||AU',
    `OBX|1|ED|34794-8^CR de RCP^LN||^TEXT^XML^Base64^${Buffer.from(cda).toString('base64')}||||||F|`,
  ].join('\r');
}

/** CPU time (user + system, ms) of a process and its descendants, from /proc (Linux; 0 elsewhere). */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch { /* gone */ }
  }
  return ticks * 10; // USER_HZ = 100
}

function tree(pid: number): number[] {
  try {
    const kids = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    return [pid, ...kids.flatMap(tree)];
  } catch {
    return [pid];
  }
}

/** The PostgreSQL backends of the server's connections (same database, other than ours). */
async function backends(url: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

const dbs = benchDatabases('postgres-first');

const rows: string[] = [];
let port = 18380;
for (const open of dbs) {
  const db = await open();
  if (values.only && !db.label.toLowerCase().includes(values.only)) { await db.cleanup(); continue; }
  const mllpPort = port + 1000;
  const server = await startServerProcess({ ...db.env, MLLP_PORT: String(mllpPort) }, port++);
  try {
    const run = String(Date.now() % 1e9);
    const conns = db.env.DATABASE_URL ? CONNECTIONS : 1;
    // Warm-up: one message per connection (first use of each worker and of its connections).
    await Promise.all(Array.from({ length: conns }, async (_, k) => {
      const session = await openMllpSession({ host: '127.0.0.1', port: mllpPort });
      try {
        const ack = await session.send(message(MESSAGES + k, run));
        if (!/\rMSA\|AA\|/.test(ack)) throw new Error(`warm-up message not accepted: ${ack}`);
      } finally {
        session.close();
      }
    }));
    const serverPids = tree(server.child.pid!);
    const pgPids = db.env.DATABASE_URL ? await backends(db.env.DATABASE_URL) : [];
    const pgBefore = new Map(pgPids.map((pid) => [pid, cpuMs([pid])]));
    const server0 = cpuMs(serverPids);
    // The messages are ready before the clock starts, as a sender's outbox would be.
    const messages = Array.from({ length: MESSAGES }, (_, i) => message(i, run));
    const bar = new cliProgress.SingleBar({ format: `${db.label} [{bar}] {value}/{total} messages`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
    bar.start(MESSAGES, 0);
    const latencies: number[] = [];
    let next = 0, errors = 0;
    const load = loadavg()[0];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: conns }, async () => {
      const session = await openMllpSession({ host: '127.0.0.1', port: mllpPort });
      try {
        while (next < MESSAGES) {
          const i = next++;
          const s = performance.now();
          const ack = await session.send(messages[i]);
          latencies.push(performance.now() - s);
          if (!/\rMSA\|AA\|/.test(ack)) errors++;
          bar.increment();
        }
      } finally {
        session.close();
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const serverCpu = cpuMs(serverPids) - server0;
    // Connections opened during the run count whole.
    const pgAfter = db.env.DATABASE_URL ? await backends(db.env.DATABASE_URL) : [];
    const pgCpu = pgAfter.reduce((sum, pid) => sum + cpuMs([pid]) - (pgBefore.get(pid) ?? 0), 0);
    bar.stop();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    rows.push(`| ${db.label} | ${MESSAGES} | ${conns} | ${Math.round(MESSAGES / seconds)} | ${pct(50).toFixed(0)} | ${pct(95).toFixed(0)} | ${errors} | ${(serverCpu / MESSAGES).toFixed(1)} | ${db.env.DATABASE_URL ? (pgCpu / MESSAGES).toFixed(1) : '(in the server)'} | ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)} |`);
  } finally {
    await server.stop();
    await db.cleanup();
  }
}
console.log(`\nMDM^T02 + CDA fiche RCP (${Math.round(CDA.length / 1024)} KiB), each connection a sender sending its messages one after another\n`);
console.log('| storage | messages | connections | messages/s | p50 ms | p95 ms | not AA | server CPU ms/message | PostgreSQL CPU ms/message | load average (1 min) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
