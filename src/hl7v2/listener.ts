// The MLLP listener: TCP (or TLS) on MLLP_PORT. Messages of one connection are handled in order,
// one at a time, and each gets its ACK on the same connection once processed. Stateless apart
// from the database (duplicates are detected there), so every node can listen.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { ApiContext } from '../api/types.js';
import { describeError, log } from '../log.js';
import { buildAck } from './ack.js';
import { handleMessage } from './intake.js';
import { decodeFrame, frame, FrameReader } from './mllp.js';

export interface MllpOptions {
  port: number;
  host: string;
  maxBytes: number;
  idleTimeoutMs: number;
  tls?: { key: string; cert: string; ca?: string };
}

export interface MllpListener {
  port: number;
  close(): Promise<void>;
}

export async function startMllp(ctx: ApiContext, opts: MllpOptions): Promise<MllpListener> {
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(opts.idleTimeoutMs, () => socket.destroy());
    const reader = new FrameReader(opts.maxBytes);
    let queue = Promise.resolve();
    socket.on('data', (data: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(data);
      } catch (e) {
        socket.end(frame(buildAck('AR', undefined, [{ segment: 'MSH', code: '100', message: (e as Error).message }])));
        return;
      }
      for (const f of frames) {
        queue = queue.then(async () => {
          let ack: string;
          try {
            ack = await handleMessage(ctx, decodeFrame(f), { address: socket.remoteAddress });
          } catch (e) {
            log.error('mllp message failed', describeError(e));
            ack = buildAck('AR', undefined, [{ segment: 'MSH', code: '207', message: 'The message could not be processed now; send it again later' }]);
          }
          if (!socket.destroyed) socket.write(frame(ack));
        });
      }
    });
    socket.on('error', () => socket.destroy());
  };
  const server = opts.tls
    ? tls.createServer(
        { key: readFileSync(opts.tls.key), cert: readFileSync(opts.tls.cert), ...(opts.tls.ca ? { ca: readFileSync(opts.tls.ca), requestCert: true, rejectUnauthorized: true } : {}) },
        onConnection,
      )
    : net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
