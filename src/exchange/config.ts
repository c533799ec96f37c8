// Mon espace santé delivery settings, from the environment (MHD_*). No recipient URL = no
// delivery: documents are still enqueued and wait, queued, until one is configured.
export interface MhdConfig {
  /** MHD Document Recipient base URL: the ITI-65 Bundle is POSTed there. */
  recipientUrl?: string;
  /** Bearer token sent to the recipient. */
  token?: string;
  timeoutMs: number;
  maxAttempts: number;
  /** Base delay of the exponential backoff, and its ceiling. */
  backoffMs: number;
  backoffMaxMs: number;
  pollMs: number;
  /** Most deliveries claimed by one poll. */
  batchSize: number;
  /** SubmissionSet sourceId: the OID of this document source. */
  sourceOid: string;
}

const int = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Math.max(0, Math.floor(Number(v))) : d);

export function mhdConfig(env: Record<string, string | undefined> = process.env): MhdConfig {
  return {
    recipientUrl: env.MHD_RECIPIENT_URL || undefined,
    token: env.MHD_RECIPIENT_TOKEN || undefined,
    timeoutMs: int(env.MHD_TIMEOUT_MS, 30_000) || 30_000,
    maxAttempts: int(env.MHD_MAX_ATTEMPTS, 10) || 10,
    backoffMs: int(env.MHD_BACKOFF_MS, 30_000),
    backoffMaxMs: int(env.MHD_BACKOFF_MAX_MS, 6 * 3_600_000),
    pollMs: int(env.MHD_POLL_MS, 2000) || 2000,
    batchSize: int(env.MHD_BATCH_SIZE, 20) || 20,
    sourceOid: env.MHD_SOURCE_OID || '1.2.250.1.999.1.1', // a test OID: set the real one in production
  };
}

/** Delay before attempt n+1 after n failed attempts: exponential, capped, with full jitter in its upper half. */
export function backoffDelay(cfg: Pick<MhdConfig, 'backoffMs' | 'backoffMaxMs'>, attempts: number, random = Math.random): number {
  const exp = Math.min(cfg.backoffMaxMs, cfg.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
