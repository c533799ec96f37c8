// Structured one-line JSON logs on stderr. Callers pass no bodies, query strings or
// identifying data: only methods, paths, statuses, counts and references.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

let threshold: number = LEVELS[(process.env.LOG_LEVEL as Level) || 'info'] ?? LEVELS.info;

export function setLogLevel(level: Level): void {
  threshold = LEVELS[level];
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (LEVELS[level] < threshold) return;
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n');
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
};

/**
 * What may be logged about an unexpected error: its class, SQLSTATE and the code location
 * that threw. Messages are left out because they can carry patient data (e.g. key values).
 */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: typeof err };
  const frame = err.stack?.split('\n').find((l) => l.includes('/src/'))?.trim().replace(/^at\s+/, '');
  const code = (err as { code?: unknown }).code;
  return { error: err.name, ...(code ? { code: String(code) } : {}), ...(frame ? { at: frame.replace(/^.*?(src\/)/, '$1') } : {}) };
}
