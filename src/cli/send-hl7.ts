// `oncofhir send-hl7`: sends an HL7 v2 message file to an MLLP listener and prints the ACK.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { sendHl7 } from '../hl7v2/send.js';

export function sendHl7Command(): Command {
  return new Command('send-hl7')
    .description('Send an HL7 v2 message (ER7 file) over MLLP and print the acknowledgement; exit 0 on AA, 1 on AE/AR')
    .argument('<file>', 'the message, segments separated by CR or LF')
    .option('--host <host>', 'MLLP listener host', '127.0.0.1')
    .option('--port <port>', 'MLLP listener port', '2575')
    .option('--tls', 'connect with TLS')
    .option('--timeout <ms>', 'how long to wait for the ACK', '60000')
    .action(async (file: string, opts: { host: string; port: string; tls?: boolean; timeout: string }) => {
      let message: string;
      try {
        message = readFileSync(file, 'utf8');
      } catch {
        console.error(`send-hl7: cannot read ${file}`);
        process.exit(2);
      }
      try {
        const ack = await sendHl7(message, { host: opts.host, port: Number(opts.port), tls: opts.tls, timeoutMs: Number(opts.timeout) });
        console.log(ack.replace(/\r/g, '\n').trimEnd());
        process.exit(/^MSA\|AA\|/m.test(ack.replace(/\r/g, '\n')) ? 0 : 1);
      } catch (e) {
        console.error(`send-hl7: ${(e as Error).message}`);
        process.exit(1);
      }
    });
}
