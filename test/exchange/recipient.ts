// A real MHD Document Recipient stand-in on 127.0.0.1 (node:http, port 0) for the delivery tests:
// it records every ITI-65 Bundle it receives and answers by a script of injected behaviours
// (500, a hang past the client's timeout, a 4xx with an OperationOutcome, then 201 by default).
// A document counts as accepted only when a 2xx answer was actually written back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, DocumentReference } from 'fhir/r4';

export type Behaviour = 'ok' | 'hang' | number;

export interface Received {
  bundle: Bundle;
  authorization?: string;
  contentType?: string;
  answered?: number;
}

export interface Recipient {
  url: string;
  port: number;
  received: Received[];
  /** Behaviours for the next requests, in order; then 'ok'. */
  script: Behaviour[];
  /** masterIdentifier value → times accepted (2xx answered). */
  accepted: Map<string, number>;
  close(): Promise<void>;
  /** Listens again on the same port (the recipient "comes back"). */
  reopen(): Promise<void>;
}

const docOf = (b: Bundle) => b.entry?.find((e) => e.resource?.resourceType === 'DocumentReference')?.resource as DocumentReference | undefined;

export async function startRecipient(port = 0): Promise<Recipient> {
  const r: Recipient = {
    url: '',
    port,
    received: [],
    script: [],
    accepted: new Map(),
    close: async () => undefined,
    reopen: async () => undefined,
  };
  const hanging = new Set<import('node:http').ServerResponse>();
  let server: Server;
  const listen = async (p: number) => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const entry: Received = { bundle: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle, authorization: req.headers.authorization, contentType: req.headers['content-type'] };
        r.received.push(entry);
        const b = r.script.shift() ?? 'ok';
        if (b === 'hang') {
          hanging.add(res); // never answered: the client's timeout fires
          return;
        }
        const status = b === 'ok' ? 201 : b;
        const doc = docOf(entry.bundle);
        const body = status < 300
          ? { resourceType: 'Bundle', type: 'transaction-response', entry: entry.bundle.entry!.map((e, n) => ({ response: { status: '201 Created', location: `${e.resource!.resourceType}/r${r.received.length}-${n}/_history/1` } })) }
          : { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status >= 500 ? 'exception' : 'invalid', diagnostics: status >= 500 ? 'recipient overloaded' : 'DocumentReference.type: unknown code' }] };
        res.writeHead(status, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(body), () => {
          entry.answered = status;
          const key = doc?.masterIdentifier?.value;
          if (status < 300 && key) r.accepted.set(`${doc!.status}|${key}`, (r.accepted.get(`${doc!.status}|${key}`) ?? 0) + 1);
        });
      });
    });
    await new Promise<void>((ok, ko) => {
      server.once('error', ko);
      server.listen(p, '127.0.0.1', () => ok());
    });
    r.port = (server.address() as AddressInfo).port;
    r.url = `http://127.0.0.1:${r.port}/fhir`;
  };
  await listen(port);
  r.close = async () => {
    for (const h of hanging) h.destroy();
    hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  };
  r.reopen = () => listen(r.port);
  return r;
}
