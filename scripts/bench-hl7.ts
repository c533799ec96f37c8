// HL7 v2 benchmark: MDM^T02 messages carrying a CDA fiche RCP (examples/cda), sent over MLLP by
// concurrent connections to a server process; each message is validated, converted, stored and
// acknowledged (AA) before the next is sent on that connection. Prints messages/s and latency.
// Usage: npm run bench:hl7 [-- --messages 400 --connections 4 --only postgres]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { sendHl7 } from '../src/hl7v2/send.js';
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
    const bar = new cliProgress.SingleBar({ format: `${db.label} [{bar}] {value}/{total} messages`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
    bar.start(MESSAGES, 0);
    const latencies: number[] = [];
    let next = 0, errors = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: conns }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        const s = performance.now();
        const ack = await sendHl7(message(i, run), { host: '127.0.0.1', port: mllpPort });
        latencies.push(performance.now() - s);
        if (!/\rMSA\|AA\|/.test(ack)) errors++;
        bar.increment();
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    bar.stop();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    rows.push(`| ${db.label} | ${MESSAGES} | ${conns} | ${Math.round(MESSAGES / seconds)} | ${pct(50).toFixed(0)} | ${pct(95).toFixed(0)} | ${errors} |`);
  } finally {
    await server.stop();
    await db.cleanup();
  }
}
console.log(`\nMDM^T02 + CDA fiche RCP (${Math.round(CDA.length / 1024)} KiB), one connection per client, a new connection per message\n`);
console.log('| storage | messages | connections | messages/s | p50 ms | p95 ms | not AA |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
