// The token endpoint's signing key, kept in the database so that every server node signs and
// verifies with the same key (no key file to copy between nodes). Created on first use.
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';

export const SIGNING_ALG = 'ES256';
const LOCK_KEY = 74_658_212;

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

interface Row { kid: string; alg: string; private_jwk: JWK; public_jwk: JWK }

const cache = new WeakMap<Db, Promise<SigningKey[]>>();

/** Active signing keys, newest first; creates one (once, cluster-wide) if there is none. */
export function signingKeys(db: Db): Promise<SigningKey[]> {
  let p = cache.get(db);
  if (!p) {
    p = load(db).catch((e) => {
      cache.delete(db);
      throw e;
    });
    cache.set(db, p);
  }
  return p;
}

async function load(db: Db): Promise<SigningKey[]> {
  let rows = await active(db);
  if (!rows.length) {
    rows = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const again = await active(tx);
      if (again.length) return again;
      const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
      const kid = randomUUID();
      const pub = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
      const priv = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
      await tx.query('INSERT INTO auth_signing_key (kid, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [kid, SIGNING_ALG, JSON.stringify(priv), JSON.stringify(pub)]);
      return [{ kid, alg: SIGNING_ALG, private_jwk: priv, public_jwk: pub }];
    });
  }
  return Promise.all(rows.map(async (r) => ({ kid: r.kid, alg: r.alg, privateKey: (await importJWK(r.private_jwk, r.alg)) as CryptoKey, publicJwk: r.public_jwk })));
}

async function active(q: Pick<Db, 'query'>): Promise<Row[]> {
  return (await q.query<Row>('SELECT kid, alg, private_jwk, public_jwk FROM auth_signing_key WHERE retired_at IS NULL ORDER BY created_at DESC')).rows;
}

/** Forgets cached keys (after a rotation by another node). */
export function forgetSigningKeys(db: Db): void {
  cache.delete(db);
}
