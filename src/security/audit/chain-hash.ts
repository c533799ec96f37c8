// The link of the hash chain: each record's hash covers the previous record's hash and the
// record itself, so changing, removing or reordering any record breaks every later link.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, resource: unknown): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(resource)}`, 'utf8').digest('hex');
}
