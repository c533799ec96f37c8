import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEr7, unescape } from '../../src/hl7v2/er7.js';
import { interpretCdaMessage } from '../../src/hl7v2/cda-message.js';
import { startMllp, type MllpListener } from '../../src/hl7v2/listener.js';
import { decodeFrame, frame, FrameReader } from '../../src/hl7v2/mllp.js';
import { sendHl7 } from '../../src/hl7v2/send.js';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/hl7v2');
const segs = (ack: string) => ack.split('\r').filter(Boolean);
const msa = (ack: string) => segs(ack).find((s) => s.startsWith('MSA'))!.split('|');
const errs = (ack: string) => segs(ack).filter((s) => s.startsWith('ERR')).map((s) => s.split('|'));

export function mdm(opts: { controlId?: string; event?: string; orc?: string; obx11?: string; cda?: string; version?: string } = {}): string {
  const cda = Buffer.from(opts.cda ?? '<ClinicalDocument xmlns="urn:hl7-org:v3"/>').toString('base64');
  return [
    `MSH|^~\\&|DPI-X|CHU-X|ONCOFHIR|INCA|20261201120000||MDM^${opts.event ?? 'T02'}^MDM_T02|${opts.controlId ?? 'MSG1'}|P|${opts.version ?? '2.6'}|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2`,
    'EVN||20261201120000',
    'PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||MARTIN^Émilie^^^^^L||19700302|F',
    'PV1|1|O',
    `ORC|${opts.orc ?? 'NW'}|`,
    'OBR|1|||34794-8^CR de RCP^LN|',
    'TXA|1|34794-8|TEXT|20261201120000||||||||1.2.250.1.999.1.2026.7^^1.2.250.1.999.1^ISO|||||AU',
    `OBX|1|ED|34794-8^CR de RCP^LN||^TEXT^XML^Base64^${cda}||||||${opts.obx11 ?? 'F'}|`,
    'PRT||UC||SB^Send by^participation|10101010101^Dupont^Claire|||CHU-X',
    'OBX|2|CWE|DESTDMP^Destinataire DMP^MetaDMPMSS||Y^^expandedYes-NoIndicator||||||F|',
  ].join('\r');
}

describe('MLLP framing and ER7', () => {
  it('reassembles frames split across packets, even inside a multi-byte character', () => {
    const bytes = frame('MSH|^~\\&|A|B|C|D|20260101||ACK|1|P|2.5\rMSA|AA|1|Émilie');
    const r = new FrameReader(1024);
    const cut = bytes.indexOf(Buffer.from('É')) + 1; // between the two bytes of É
    expect(r.push(Buffer.concat([Buffer.from('noise'), bytes.subarray(0, cut)]))).toEqual([]);
    const [f] = r.push(bytes.subarray(cut));
    expect(decodeFrame(f)).toContain('Émilie');
  });
  it('decodes ISO 8859-15 when MSH-18 declares it', () => {
    const text = 'MSH|^~\\&|A|B|C|D|20260101||ACK|1|P|2.5|||||FRA|8859/15\rNTE|1||Hélène €';
    const bytes = Buffer.from(new Uint8Array([...Buffer.from(text.slice(0, -9), 'latin1'), ...Buffer.from('Hélène ', 'latin1'), 0xa4]));
    expect(decodeFrame(bytes)).toContain('Hélène €');
  });
  it('refuses a frame larger than the limit', () => {
    const r = new FrameReader(10);
    expect(() => r.push(frame('x'.repeat(50)))).toThrow(/exceeds/);
  });
  it('unescapes HL7 escape sequences', () => {
    const m = parseEr7('MSH|^~\\&|A\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X41\\');
    expect(unescape(m.segments[1].fields[3], m.delimiters)).toBe('a|b^c&d~e\\fA');
  });
  it.each([
    ['an MDM^T02 with its CDA, INS, sender and flags', mdm(), { ok: true }],
    ['a replace whose ORC-1 contradicts the event', mdm({ event: 'T10', orc: 'NW', obx11: 'C' }), { ok: false, reject: false }],
    ['OBX-11 contradicting the event', mdm({ obx11: 'D' }), { ok: false, reject: false }],
    ['an unsupported message type', mdm().replace('MDM^T02^MDM_T02', 'ADT^A01^ADT_A01'), { ok: false, reject: true }],
    ['a wrong version', mdm({ version: '2.3' }), { ok: false, reject: true }],
    ['a CDA that is not base64', mdm().replace(/Base64\^[^|]+/, 'Base64^not base64!'), { ok: false, reject: false }],
  ])('interprets %s', (_n, text, expected) => {
    const r = interpretCdaMessage(parseEr7(text));
    expect(r).toMatchObject(expected);
    if (r.ok) {
      expect(r.message).toMatchObject({ type: 'MDM^T02', action: 'new', ins: { oid: '1.2.250.1.213.1.4.10', value: '279035121518989' }, sender: { id: '10101010101' }, flags: { DESTDMP: true } });
      expect(r.message.cda).toBe('<ClinicalDocument xmlns="urn:hl7-org:v3"/>');
    }
  });
  it.skipIf(!existsSync(CORPUS))('reads the ANS example messages (../shared/corpus/hl7v2)', () => {
    for (const [file, type, action] of [
      ['MDM/Transmission_initiale_MDM/message_MDM_CR_Radio_INIT_N1_Base64.er7', 'MDM^T02', 'new'],
      ['MDM/Remplacement_MDM/message_MDM_CR_Radio_RPLC_N1.er7', 'MDM^T10', 'replace'],
      ['MDM/Suppression_MDM/message_MDM_CR_Radio_DEL_N1.er7', 'MDM^T04', 'delete'],
    ]) {
      const r = interpretCdaMessage(parseEr7(readFileSync(join(CORPUS, file), 'utf8')));
      expect(r.ok && r.message.type).toBe(type);
      expect(r.ok && r.message.action).toBe(action);
      expect(r.ok && r.message.cda).toMatch(/ClinicalDocument/);
    }
  });
});

describe.each(DB_KINDS)('MLLP listener on real sockets (%s), without a document pipeline', (kind) => {
  let s: TestServer;
  let mllp: MllpListener;
  const send = (text: string) => sendHl7(text, { host: '127.0.0.1', port: mllp.port, timeoutMs: 20_000 });
  beforeAll(async () => {
    s = await openTestServer(kind);
    mllp = await startMllp(s.ctx, { port: 0, host: '127.0.0.1', maxBytes: 1024 * 1024, idleTimeoutMs: 30_000 });
  });
  afterAll(async () => {
    await mllp.close();
    await s.close();
  });

  it.each([
    ['malformed ER7 (no MSH)', 'PID|||123', 'AR', '100'],
    ['an unsupported message type', mdm({ controlId: 'U1' }).replace('MDM^T02^MDM_T02', 'ADT^A01^ADT_A01'), 'AR', '200'],
    ['an MDM without the CDA OBX', mdm({ controlId: 'E1' }).split('\r').filter((l) => !l.startsWith('OBX|1|')).join('\r'), 'AE', '101'],
    ['contradicting ORC-1', mdm({ controlId: 'E2', event: 'T10', orc: 'NW', obx11: 'C' }), 'AE', '103'],
  ])('answers %s with %s and an ERR segment', async (_n, text, code, errCode) => {
    const ack = await send(text);
    expect(msa(ack)[1]).toBe(code);
    expect(errs(ack)[0][3].split('^')[0]).toBe(errCode);
    expect(errs(ack)[0][8]).toBeTruthy();
  });
  it('refuses senders outside MLLP_ALLOWED_SENDERS (AR 204) and stores nothing', async () => {
    s.ctx.config.mllpAllowedSenders = ['LIS-Y@LAB-Y'];
    try {
      const ack = await send(mdm({ controlId: 'S1' }));
      expect(msa(ack)[1]).toBe('AR');
      expect(errs(ack)[0][3].split('^')[0]).toBe('204');
      const seen = await s.ctx.db.query("SELECT 1 FROM hl7_message WHERE control_id = 'S1'");
      expect(seen.rows).toHaveLength(0);
    } finally {
      s.ctx.config.mllpAllowedSenders = [];
    }
  });
  it('answers a message cut by a dropped connection only once it is resent whole', async () => {
    const whole = frame(mdm({ controlId: 'CUT1' }).replace('MDM^T02^MDM_T02', 'ADT^A01^ADT_A01'));
    await new Promise<void>((resolve) => {
      const c = net.connect(mllp.port, '127.0.0.1', () => {
        c.write(whole.subarray(0, 40));
        c.destroy();
        resolve();
      });
    });
    const ack = await send(mdm({ controlId: 'CUT1' }).replace('MDM^T02^MDM_T02', 'ADT^A01^ADT_A01'));
    expect(msa(ack)[2]).toBe('CUT1');
  });
  it('answers several messages on one connection in order', async () => {
    const acks: string[] = [];
    await new Promise<void>((resolve) => {
      const c = net.connect(mllp.port, '127.0.0.1', () => c.write(Buffer.concat([frame(mdm({ controlId: 'O1' }).replace('MDM^T02', 'ADT^A01')), frame(mdm({ controlId: 'O2' }).replace('MDM^T02', 'ADT^A01'))])));
      const r = new FrameReader(1 << 20);
      c.on('data', (d) => {
        for (const f of r.push(d)) acks.push(decodeFrame(f));
        if (acks.length === 2) {
          c.end();
          resolve();
        }
      });
    });
    expect(acks.map((a) => msa(a)[2])).toEqual(['O1', 'O2']);
  });
});

describe.each(DB_KINDS)('HL7 v2 documents through the pipeline (%s)', (kind) => {
  let s: TestServer;
  let mllp: MllpListener;
  const EXAMPLE = readFileSync(join(import.meta.dirname, '../../examples/cda/fiche-rcp.xml'), 'utf8');
  const send = (text: string) => sendHl7(text, { host: '127.0.0.1', port: mllp.port, timeoutMs: 60_000 });
  const count = async (type: string) => Number((await s.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM resource WHERE type = $1 AND NOT deleted', [type])).rows[0].n);
  const status = async (id: string) => JSON.parse((await s.ctx.db.query<{ content: string }>("SELECT content FROM resource WHERE type = 'DocumentReference' AND id = $1", [id])).rows[0].content).status;
  beforeAll(async () => {
    s = await openTestServer(kind);
    mllp = await startMllp(s.ctx, { port: 0, host: '127.0.0.1', maxBytes: 32 * 1024 * 1024, idleTimeoutMs: 30_000 });
  });
  afterAll(async () => {
    await mllp.close();
    await s.close();
  });

  it('stores a fiche RCP sent as MDM^T02 and acknowledges AA only then; a resend gets the same ACK', async () => {
    const text = mdm({ controlId: 'DOC1', cda: EXAMPLE });
    const ack = await send(text);
    expect(msa(ack)[1]).toBe('AA');
    expect(await count('DocumentReference')).toBe(1);
    expect(await count('Binary')).toBe(1);
    const again = await send(text);
    expect(again).toBe(ack);
    expect(await count('DocumentReference')).toBe(1);
  });
  it('treats the same document under a new control id as a duplicate, not a second copy', async () => {
    const ack = await send(mdm({ controlId: 'DOC1-bis', cda: EXAMPLE }));
    expect(msa(ack)[1]).toBe('AA');
    expect(await count('DocumentReference')).toBe(1);
  });
  it('refuses a control id reused for another message', async () => {
    const ack = await send(mdm({ controlId: 'DOC1', cda: EXAMPLE.replace('</title>', ' (bis)</title>') }));
    expect(msa(ack)[1]).toBe('AR');
    expect(errs(ack)[0][3].split('^')[0]).toBe('205');
  });
  it('answers an invalid CDA with AE, its XPath in ERR-7, and stores nothing', async () => {
    const before = await count('DocumentReference');
    const broken = EXAMPLE.replace(/<legalAuthenticator>[\s\S]*?<\/legalAuthenticator>/, '');
    const ack = await send(mdm({ controlId: 'BAD1', cda: broken.replace(/<setId [^>]*>/, '<setId root="1.2.250.1.999.9" extension="other"/>') }));
    expect(msa(ack)[1]).toBe('AE');
    const e = errs(ack);
    expect(e.some((x) => x[7].includes('/ClinicalDocument'))).toBe(true);
    expect(e[0][2]).toMatch(/^OBX/);
    expect(await count('DocumentReference')).toBe(before);
  });
  it('replaces with MDM^T10 (higher version) and deletes with MDM^T04', async () => {
    const v2 = EXAMPLE.replace(/<versionNumber value="(\d+)"\s*\/>/, (_m, v) => `<versionNumber value="${Number(v) + 1}"/>`).replace(/(<ClinicalDocument[\s\S]*?<id root="[^"]+" extension=")([^"]+)"/, '$1$2-v2"');
    const ack = await send(mdm({ controlId: 'DOC2', event: 'T10', orc: 'RO', obx11: 'C', cda: v2 }));
    expect(msa(ack)[1]).toBe('AA');
    const docs = (await s.ctx.db.query<{ id: string; content: string }>("SELECT id, content FROM resource WHERE type = 'DocumentReference'")).rows.map((r) => JSON.parse(r.content));
    expect(docs.map((d) => d.status).sort()).toEqual(['current', 'superseded']);
    const current = docs.find((d) => d.status === 'current');
    const del = await send(mdm({ controlId: 'DOC3', event: 'T04', orc: 'CA', obx11: 'D', cda: v2 }));
    expect(msa(del)[1]).toBe('AA');
    expect(await status(current.id)).toBe('entered-in-error');
  });
});
