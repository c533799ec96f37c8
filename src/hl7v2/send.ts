// Sends one HL7 v2 message over MLLP and waits for its ACK (the client side of src/hl7v2/mllp.ts).
import net from 'node:net';
import tls from 'node:tls';
import { decodeFrame, frame, FrameReader } from './mllp.js';

export interface SendOptions {
  host: string;
  port: number;
  tls?: boolean;
  timeoutMs?: number;
}

export function sendHl7(message: string, opts: SendOptions): Promise<string> {
  const text = message.replace(/\r\n|\n/g, '\r');
  return new Promise((resolve, reject) => {
    const socket = opts.tls ? tls.connect({ host: opts.host, port: opts.port, rejectUnauthorized: true }) : net.connect({ host: opts.host, port: opts.port });
    const reader = new FrameReader(64 * 1024 * 1024);
    socket.setTimeout(opts.timeoutMs ?? 60_000, () => {
      socket.destroy();
      reject(new Error(`No ACK within ${opts.timeoutMs ?? 60_000} ms`));
    });
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => socket.write(frame(text)));
    socket.on('data', (d: Buffer) => {
      const [ack] = reader.push(d);
      if (ack) {
        socket.end();
        resolve(decodeFrame(ack));
      }
    });
    socket.on('error', reject);
  });
}
