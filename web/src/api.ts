// Same-origin calls to the public API (the FHIR base /fhir, the registry /registry), with the
// user's Bearer token. No private route: the pages use the operations any client uses. Server
// errors become ApiError with a readable message taken from the OperationOutcome.
import { t } from './i18n.js';

const TOKEN_KEY = 'oncofhir.token';
export const FHIR_BASE = '/fhir';

export const getToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? '';
export function setToken(token: string): void {
  if (token.trim()) sessionStorage.setItem(TOKEN_KEY, token.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics?: string;
  expression?: string[];
  location?: string[];
  details?: { text?: string; coding?: { code?: string; display?: string }[] };
}
export interface OperationOutcome { resourceType: 'OperationOutcome'; issue: OutcomeIssue[] }

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's OperationOutcome, when it sent one. */
    readonly outcome?: OperationOutcome,
  ) {
    super(message);
  }
}

export const isOutcome = (x: unknown): x is OperationOutcome => (x as { resourceType?: string } | null)?.resourceType === 'OperationOutcome';

export interface Answer<T> { status: number; body: T; contentType: string }

/** Calls the API; statuses ≥ 400 throw ApiError unless listed in `accept` (e.g. 400 from $validate-cda). */
export async function call<T>(method: string, path: string, opts: { body?: string | Blob; contentType?: string; accept?: number[] } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/fhir+json, application/json;q=0.9, */*;q=0.1' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.contentType) headers['content-type'] = opts.contentType;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: opts.body });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  let body: unknown = text;
  if (/json/.test(contentType)) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (res.status >= 400 && !opts.accept?.includes(res.status)) throw new ApiError(res.status, readable(res.status, body), isOutcome(body) ? body : undefined);
  return { status: res.status, body: body as T, contentType };
}

/** "403 — Forbidden: the token lacks …" in the user's language, with the server's own words. */
export function readable(status: number, body: unknown): string {
  const what = t(`http.${status}`) === `http.${status}` ? t('http.other') : t(`http.${status}`);
  const detail = isOutcome(body) ? body.issue.map((i) => i.diagnostics ?? i.details?.text ?? i.code).join(' ; ') : typeof body === 'string' ? body.slice(0, 300) : '';
  return `${status} — ${what}${detail ? `${t('punct.colon')}${detail}` : ''}`;
}
