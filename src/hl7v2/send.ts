// The client side of src/hl7v2/mllp.ts: a session sends messages over one connection, one at a
// time, each after the previous one's ACK (what a sending application does); sendHl7 sends one.
import net from 'node:net';
import tls from 'node:tls';
import { decodeFrame, frame, FrameReader } from './mllp.js';

export interface SendOptions {
  host: string;
  port: number;
  tls?: boolean;
  timeoutMs?: number;
}

export interface MllpSession {
  /** Sends a message and resolves with its ACK. */
  send(message: string): Promise<string>;
  close(): void;
}

export async function openMllpSession(opts: SendOptions): Promise<MllpSession> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const socket = opts.tls ? tls.connect({ host: opts.host, port: opts.port, rejectUnauthorized: true }) : net.connect({ host: opts.host, port: opts.port });
  const reader = new FrameReader(64 * 1024 * 1024);
  let waiting: { resolve: (ack: string) => void; reject: (e: Error) => void } | undefined;
  const fail = (e: Error) => {
    socket.destroy();
    waiting?.reject(e);
    waiting = undefined;
  };
  socket.setTimeout(timeoutMs, () => fail(new Error(`No ACK within ${timeoutMs} ms`)));
  socket.on('data', (d: Buffer) => {
    const [ack] = reader.push(d);
    if (ack && waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(decodeFrame(ack));
    }
  });
  socket.on('close', () => fail(new Error('The connection was closed before the ACK')));
  await new Promise<void>((resolve, reject) => {
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', (e) => fail(e));
  return {
    send(message) {
      if (waiting) return Promise.reject(new Error('One message at a time: wait for the previous ACK'));
      if (socket.destroyed) return Promise.reject(new Error('The connection is closed'));
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(frame(message.replace(/\r\n|\n/g, '\r')));
      });
    },
    close: () => socket.end(),
  };
}

export async function sendHl7(message: string, opts: SendOptions): Promise<string> {
  const session = await openMllpSession(opts);
  try {
    return await session.send(message);
  } finally {
    session.close();
  }
}
