// Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core, one browser per test
// file with a fresh profile, and an oncofhir server on a real socket for it. Screenshots go to
// test-artifacts/web/ (git-ignored; CI keeps them as artefacts).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Express } from 'express';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_MESSAGE = `${CHROMIUM} is missing: install the Debian packages chromium and chromium-driver (.ci/run does)`;
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/web/', import.meta.url));

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'oncofhir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    locale: 'fr-FR',
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A script error in the page fails the test that caused it.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text())));
  Object.assign(page, { errors });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const pageErrors = (page: Page): string[] => (page as Page & { errors: string[] }).errors;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Listens on 127.0.0.1 (a free port) and returns the origin. */
export async function listen(app: Express): Promise<{ origin: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A server on a real socket and a Chromium page for the tests of a describe block (opened before them, closed after). */
export function servePages<S extends { app: Express; close(): Promise<void> }>(open: () => Promise<S>): { server: S; origin: string; page: Page } {
  const f = {} as { server: S; origin: string; page: Page };
  let http: Awaited<ReturnType<typeof listen>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    f.server = await open();
    http = await listen(f.server.app);
    f.origin = http.origin;
    browser = await openBrowser();
    f.page = browser.page;
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await f.server?.close();
  });
  return f;
}
