// Keyed INS: HMAC-SHA-256 of the normalised INS NIR + birth date + sex. The secret lives outside the database:
// REGISTRY_KEY (the secret itself) or REGISTRY_KEY_FILE (a file holding it); the CLI also takes --key-file.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { normaliseNir } from './normalise.js';

export interface RegistryKey { secret: Buffer; ephemeral: boolean; source: string }

export function loadRegistryKey(opts: { keyFile?: string; env?: NodeJS.ProcessEnv } = {}): RegistryKey {
  const env = opts.env ?? process.env;
  const file = opts.keyFile ?? env.REGISTRY_KEY_FILE;
  if (file) return { secret: Buffer.from(readFileSync(file, 'utf8').trim()), ephemeral: false, source: `file ${file}` };
  if (env.REGISTRY_KEY) return { secret: Buffer.from(env.REGISTRY_KEY), ephemeral: false, source: 'REGISTRY_KEY' };
  // No key: person keys are then only stable within this run.
  return { secret: randomBytes(32), ephemeral: true, source: 'ephemeral random key' };
}

export const hmacHex = (secret: Buffer, text: string): string => createHmac('sha256', secret).update(text).digest('hex');

/** undefined when the INS is absent or malformed. */
export function keyedIns(secret: Buffer, ins: string | undefined, birthDate: string, sex: string): string | undefined {
  const nir = normaliseNir(ins);
  return nir ? hmacHex(secret, `${nir}|${birthDate}|${sex}`) : undefined;
}
