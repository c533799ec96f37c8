// An oncofhir app on a test database, for supertest (real HTTP on 127.0.0.1).
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { openContext } from '../../src/server.js';
import type { ApiContext } from '../../src/api/types.js';
import { openTestDb, type DbKind } from './db.js';

export const BASE = 'http://localhost:8080/fhir';

export interface TestServer {
  app: Express;
  ctx: ApiContext;
  close(): Promise<void>;
}

export async function openTestServer(kind: DbKind, overrides: Partial<Config> = {}): Promise<TestServer> {
  const db = await openTestDb(kind);
  const config: Config = { ...loadConfig({}), baseUrl: BASE, auth: 'off', ...overrides };
  const ctx = await openContext(config, db);
  return { app: createApp(ctx), ctx, close: () => db.close() };
}

export const FHIR_JSON = 'application/fhir+json';
