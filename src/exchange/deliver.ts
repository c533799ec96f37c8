// One HTTP POST of an ITI-65 Bundle to the MHD Document Recipient, classified for the outbox:
// 2xx sent; 408, 429, 5xx, timeouts and network errors retried; any other status a permanent failure.
import type { Bundle, OperationOutcome } from 'fhir/r4';
import type { MhdConfig } from './config.js';

export type Outcome =
  | { kind: 'sent'; status: number; location?: string }
  | { kind: 'retry'; status?: number; error: string }
  | { kind: 'failed'; status: number; error: string };

const RETRYABLE = new Set([408, 425, 429]);

/** A short reason from the recipient's answer: its OperationOutcome diagnostics, or the text. */
function reason(status: number, body: string): string {
  let text = body.trim();
  try {
    const o = JSON.parse(body) as OperationOutcome;
    if (o.resourceType === 'OperationOutcome') text = (o.issue ?? []).map((i) => i.diagnostics ?? i.details?.text ?? i.code).join('; ');
  } catch {
    // not JSON: keep the text
  }
  return `HTTP ${status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`;
}

/** The location of the stored DocumentReference, from the Location header or the transaction-response. */
function locationOf(headers: Headers, body: string): string | undefined {
  try {
    const b = JSON.parse(body) as Bundle;
    const loc = b.entry?.map((e) => e.response?.location).find((l) => l?.includes('DocumentReference/'));
    if (loc) return loc;
  } catch {
    // no JSON body
  }
  return headers.get('location') ?? undefined;
}

export async function postBundle(cfg: Pick<MhdConfig, 'recipientUrl' | 'token' | 'timeoutMs'>, bundle: Bundle): Promise<Outcome> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(cfg.recipientUrl!, {
      method: 'POST',
      headers: {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
        ...(cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}),
      },
      body: JSON.stringify(bundle),
      signal: AbortSignal.timeout(cfg.timeoutMs),
    });
    body = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const what = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${cfg.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { kind: 'retry', error: `recipient unreachable: ${what}` };
  }
  if (res.status >= 200 && res.status < 300) return { kind: 'sent', status: res.status, location: locationOf(res.headers, body) };
  if (res.status >= 500 || RETRYABLE.has(res.status)) return { kind: 'retry', status: res.status, error: reason(res.status, body) };
  return { kind: 'failed', status: res.status, error: reason(res.status, body) };
}
