// Unit tests of the hardening building blocks: depth scanners, token buckets, client keys.
import { describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { clientKey, jsonDepthExceeds, TokenBuckets, xmlDepthExceeds } from '../../src/http/hardening/index.js';
import { httpServerTimeouts } from '../../src/http/hardening/timeouts.js';

const B = (s: string) => Buffer.from(s, 'utf8');

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1], ['[]', 1], ['{"a":[{"b":1}]}', 3], ['[[[]],[[]]]', 3], ['"[[[["', 0], ['{"a":"]]]]{{{{"}', 1],
    ['{"a":"\\"[[[["}', 1], ['{"a":"\\\\","b":[[]]}', 3], ['{"é":["ü",{"ß":[]}]}', 4], ['12', 0],
  ])('measures %s as %i deep', (json, depth) => {
    expect(jsonDepthExceeds(B(json), depth)).toBe(false);
    if (depth > 0) expect(jsonDepthExceeds(B(json), depth - 1)).toBe(true);
  });
  it('scans 10 MB of strings quickly', () => {
    const big = B(JSON.stringify({ resourceType: 'Binary', data: 'A'.repeat(10_000_000), a: [[[[]]]] }));
    const t = performance.now();
    expect(jsonDepthExceeds(big, 5)).toBe(false);
    expect(performance.now() - t).toBeLessThan(500); // strings are skipped by a native indexOf
  });
});

describe('xmlDepthExceeds', () => {
  it.each([
    ['<a/>', 1], ['<a><b/></a>', 2], ['<?xml version="1.0"?><a><b><c></c></b></a>', 3], ['<a x="<b><c>" y=\'>\'><b/></a>', 2],
    ['<a><!-- <b><c><d> --><b/></a>', 2], ['<a><![CDATA[<b><c><d>]]></a>', 1], ['<a>\n<b>\n</b><b></b></a>', 2],
  ])('measures %s as %i deep', (xml, depth) => {
    expect(xmlDepthExceeds(B(xml), depth)).toBe(false);
    expect(xmlDepthExceeds(B(xml), depth - 1)).toBe(true);
  });
  it('leaves a DOCTYPE to the reader', () => expect(xmlDepthExceeds(B('<!DOCTYPE a [<!ENTITY x "y">]><a><b/></a>'), 1)).toBe(false));
});

describe('TokenBuckets', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const b = new TokenBuckets({ perMinute: 60, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => b.take('a').allowed)).toEqual([true, true, true]);
    const denied = b.take('a');
    expect(denied).toMatchObject({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 1, resetSeconds: 3 });
    expect(b.take('b').allowed).toBe(true); // other clients are not affected
    now += 1000;
    expect(b.take('a').allowed).toBe(true);
    expect(b.take('a').allowed).toBe(false);
  });
  it('keeps memory bounded: idle buckets are dropped and the least recently used go beyond maxKeys', () => {
    let now = 0;
    const b = new TokenBuckets({ perMinute: 60, burst: 2, maxKeys: 100, now: () => now });
    for (let i = 0; i < 1000; i++) b.take(`k${i}`);
    expect(b.size).toBeLessThanOrEqual(100);
    b.take('busy'); b.take('busy');
    now += 10_000; // every bucket has refilled: they are idle
    for (let i = 0; i < 200; i++) b.take('busy');
    expect(b.size).toBeLessThan(10);
    expect(b.take('busy').allowed).toBe(false); // the active client's state was kept
  });
});

describe('clientKey', () => {
  const req = (o: Record<string, unknown>) => ({ socket: {}, res: { locals: {} }, ...o }) as unknown as Request;
  it('prefers the authenticated client id, then the address', () => {
    expect(clientKey(req({ auth: { clientId: 'lab-1' }, ip: '10.0.0.1' }))).toBe('client:lab-1');
    expect(clientKey(req({ res: { locals: { clientId: 'lab-2' } }, ip: '10.0.0.1' }))).toBe('client:lab-2');
    expect(clientKey(req({ auth: { clientId: 'anonymous', unrestricted: true }, ip: '10.0.0.1' }))).toBe('ip:10.0.0.1');
    expect(clientKey(req({ ip: '::ffff:192.0.2.7' }))).toBe('ip:192.0.2.7');
    expect(clientKey(req({ ip: '2001:db8:0:12::1' }))).toBe('ip:2001:db8:0:12::/64');
    expect(clientKey(req({ ip: '2001:DB8:0000:0012:aaaa:bbbb:cccc:dddd' }))).toBe('ip:2001:db8:0:12::/64');
    expect(clientKey(req({ ip: '::1' }))).toBe('ip:0:0:0:0::/64');
  });
});

describe('httpServerTimeouts', () => {
  it('derives headersTimeout and the checking interval from REQUEST_TIMEOUT_MS', () => {
    expect(httpServerTimeouts({ requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5000 })).toEqual({ requestTimeout: 60_000, headersTimeout: 60_000, keepAliveTimeout: 5000, connectionsCheckingInterval: 15_000 });
    expect(httpServerTimeouts({ requestTimeoutMs: 300_000, keepAliveTimeoutMs: 5000 }).headersTimeout).toBe(60_000);
    expect(httpServerTimeouts({ requestTimeoutMs: 0, keepAliveTimeoutMs: 5000 }).requestTimeout).toBe(0);
  });
});
