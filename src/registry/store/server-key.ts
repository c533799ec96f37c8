// The registry HMAC secret for the server: REGISTRY_KEY or REGISTRY_KEY_FILE (configuration, never
// the database). Without either, a development key is created once in DATA_DIR/registry/ so that
// person keys stay stable across restarts of a single node; several nodes must share a configured key.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../../log.js';
import { loadRegistryKey, type RegistryKey } from '../linkage/keyed-ins.js';

const cache = new Map<string, RegistryKey>();

export function serverRegistryKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): RegistryKey {
  const configured = loadRegistryKey({ env });
  if (!configured.ephemeral) return configured;
  const file = join(dataDir, 'registry', 'registry.key');
  const hit = cache.get(file);
  if (hit) return hit;
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'registry'), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    log.warn('REGISTRY_KEY / REGISTRY_KEY_FILE not set: created a development registry key (single node only)', { file });
  }
  const key: RegistryKey = { secret: Buffer.from(readFileSync(file, 'utf8').trim()), ephemeral: false, source: `development key file ${file}` };
  cache.set(file, key);
  return key;
}
