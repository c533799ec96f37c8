// Per-client rate limits: one token bucket per client key, refilled at RATE_LIMIT_PER_MINUTE/60
// tokens a second up to RATE_LIMIT_BURST. State lives in this process only: with N server
// processes or nodes a client can reach N × the configured rate, which bounds abuse without any
// shared state. The bucket map is bounded: idle buckets (refilled to full, so equivalent to a new
// one) are dropped as requests come in, and beyond maxKeys the least recently used go first.
import { isIPv6 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../config.js';
import { FhirError } from '../../fhir/errors.js';

export interface RateDecision {
  allowed: boolean;
  /** Bucket size (RateLimit-Limit). */
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until one request is allowed again (Retry-After), 0 when allowed. */
  retryAfterSeconds: number;
}

export interface TokenBucketOptions {
  perMinute: number;
  burst: number;
  /** Most buckets kept (default 100,000, about 10 MB). */
  maxKeys?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

interface Bucket { tokens: number; at: number }

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>(); // least recently used first
  private readonly perMs: number;
  private readonly cap: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.perMinute > 0) || !(opts.burst >= 1)) throw new Error('rate limit: perMinute must be > 0 and burst ≥ 1');
    this.perMs = opts.perMinute / 60_000;
    this.cap = opts.burst;
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.now = opts.now ?? (() => performance.now());
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Spends one token of key's bucket if it has one. */
  take(key: string): RateDecision {
    const now = this.now();
    this.evict(now);
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      b.tokens = Math.min(this.cap, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    } else b = { tokens: this.cap, at: now };
    this.buckets.set(key, b);
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    const secs = (tokens: number) => Math.ceil(tokens / this.perMs / 1000);
    return {
      allowed,
      limit: this.cap,
      remaining: Math.floor(b.tokens),
      resetSeconds: secs(this.cap - b.tokens),
      retryAfterSeconds: allowed ? 0 : Math.max(1, secs(1 - b.tokens)),
    };
  }

  /** Drops, from the least recently used end, up to two idle buckets and any beyond maxKeys. */
  private evict(now: number): void {
    let idle = 0;
    for (const [k, b] of this.buckets) {
      const over = this.buckets.size >= this.maxKeys;
      const full = idle < 2 && b.tokens + (now - b.at) * this.perMs >= this.cap;
      if (!over && !full) break;
      this.buckets.delete(k);
      if (!over) idle++;
    }
  }
}

/**
 * The key a client is rate-limited (and audited) by: its authenticated OAuth client id when the
 * auth middleware has set one (req.auth.clientId or res.locals.clientId), otherwise its network
 * address — the real one behind a proxy when TRUST_PROXY is set, IPv4-mapped IPv6 unwrapped, and
 * IPv6 grouped by /64 (one host usually owns a whole /64).
 */
export function clientKey(req: Request): string {
  const auth = (req as Request & { auth?: { clientId?: unknown; unrestricted?: boolean } }).auth;
  const id = auth && !auth.unrestricted ? auth.clientId : req.res?.locals.clientId;
  if (typeof id === 'string' && id) return `client:${id}`;
  return `ip:${networkKey(req.ip ?? req.socket?.remoteAddress ?? 'unknown')}`;
}

function networkKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/** 429 with Retry-After and an OperationOutcome (code throttled) beyond the client's rate; RateLimit-* headers always. */
export function rateLimit(config: Pick<Config, 'rateLimitPerMinute' | 'rateLimitBurst'>, opts: Partial<TokenBucketOptions> = {}): RequestHandler | undefined {
  const perMinute = config.rateLimitPerMinute;
  if (!perMinute) return undefined;
  const burst = config.rateLimitBurst || perMinute;
  const buckets = new TokenBuckets({ perMinute, burst, ...opts });
  const policy = `${perMinute};w=60;burst=${burst}`;
  return (req, res, next) => {
    const d = buckets.take(clientKey(req));
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit-Limit', String(d.limit));
    res.setHeader('RateLimit-Remaining', String(d.remaining));
    res.setHeader('RateLimit-Reset', String(d.resetSeconds));
    if (d.allowed) return next();
    res.setHeader('Retry-After', String(d.retryAfterSeconds));
    next(new FhirError(429, `Too many requests: this server allows ${perMinute} requests a minute per client (bursts of ${burst}); retry in ${d.retryAfterSeconds} s`, 'throttled'));
  };
}
