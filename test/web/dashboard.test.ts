// The registry dashboard in a real headless Chromium on seeded registry data (test/support/registry-seed.ts,
// a real linkage and consolidation run): charts and tables with the small cells suppressed exactly as the
// API publishes them, the review queue with a link confirmed (decision stored and audited), restricted
// persons gone from every view, and the registry's own scopes.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openTestServer } from '../support/server.js';
import { seedRegistry } from '../support/registry-seed.js';
import { openAuthServer } from '../security/auth-support.js';
import { HAS_CHROMIUM, pageErrors, screenshot, servePages } from './browser.js';

const DIMENSIONS = ['year', 'sex', 'ageGroup', 'site', 'departement'];

describe.skipIf(!HAS_CHROMIUM)('registry dashboard in Chromium', () => {
  let reviewIds: string[];
  const f = servePages(async () => {
    const server = await openTestServer('pglite', { registryRunIntervalMinutes: 0 });
    ({ reviewIds } = await seedRegistry(server.ctx.db));
    return server;
  });

  it('shows the indicators as charts and tables, with the suppressed cells where the API suppresses them', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/dashboard/`);
    await page.locator('#charts figure').nth(DIMENSIONS.length - 1).waitFor();
    expect(await page.locator('#charts canvas').count()).toBe(DIMENSIONS.length);
    // Chart.js drew something on each canvas.
    const painted = await page.$$eval('#charts canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).toDataURL().length > 3000));
    expect(painted).toEqual(DIMENSIONS.map(() => true));
    for (const dim of DIMENSIONS) {
      const api = (await request(f.server.app).get(`/registry/indicators?by=${dim}`)).body.table as { rows: string[][]; published: (number | null)[][] };
      // Each table shows the API's figures: the row totals (the last column), then the grand total; null = "masqué".
      const expected = api.published.map((r) => (r[r.length - 1] === null ? 'masqué' : String(r[r.length - 1])));
      const shown = await page.locator(`figure[data-dimension="${dim}"] table tbody td`).allTextContents();
      expect(shown, dim).toEqual(expected);
    }
    // Corse-du-Sud has 3 cases: suppressed (and its complement with it).
    const dep = page.locator('figure[data-dimension="departement"]');
    await dep.locator('summary').click();
    expect(await dep.locator('tr', { hasText: '2A' }).locator('td').textContent()).toBe('masqué');
    expect(await dep.locator('td.suppressed').count()).toBeGreaterThanOrEqual(2);
    expect(await dep.locator('.chart-note').textContent()).toBe(`${await dep.locator('tbody tr:not(.total) td.suppressed').count()} effectif(s) masqué(s) : sans barre, « masqué » dans le tableau.`);
    expect(await page.locator('#indicators-summary').textContent()).toMatch(/^\d+ cas comptés ; 0 personne/);
    // The cross table (year × sex by default) is the API's table too.
    await page.locator('#cross table').waitFor();
    const cross = (await request(f.server.app).get('/registry/indicators?by=year,sex&column=sex')).body.table as { published: (number | null)[][] };
    const crossShown = await page.locator('#cross tbody td').allTextContents();
    expect(crossShown).toEqual(cross.published.flat().map((n) => (n === null ? 'masqué' : String(n))));
    // by département × site: small cells suppressed in the page exactly where the API has null.
    await page.check('#by-departement');
    await page.uncheck('#by-year');
    await page.check('#by-site');
    await page.uncheck('#by-sex');
    await page.selectOption('#column', 'site');
    await page.click('#cross-form button[type="submit"]');
    await page.locator('#cross caption', { hasText: 'localisation × département' }).waitFor();
    const api = (await request(f.server.app).get('/registry/indicators?by=site,departement&column=site')).body.table as { published: (number | null)[][] };
    const nulls = api.published.flat().filter((n) => n === null).length;
    expect(nulls).toBeGreaterThan(0);
    expect(await page.locator('#cross td.suppressed').count()).toBe(nulls);
    expect(await page.locator('#cross tbody td').allTextContents()).toEqual(api.published.flat().map((n) => (n === null ? 'masqué' : String(n))));
    await screenshot(page, 'dashboard-indicators');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lists the proposed pairs with their comparison and score; confirming one stores and audits the decision', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/dashboard/`);
    const cards = page.locator('#review-list article.pair');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(reviewIds.length);
    expect(await page.locator('#review-count').textContent()).toBe(`${reviewIds.length} paire(s) ; 1 à ${reviewIds.length} affichées.`);
    const first = cards.first();
    const id = await first.getAttribute('data-id');
    expect(reviewIds).toContain(id);
    expect(await first.locator('.score').textContent()).toMatch(/^Score : -?\d+\.\d \(probabilité \d+\.\d %\)$/);
    expect(await first.locator('table.comparison tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await first.locator('table.comparison').textContent()).toMatch(/Date de naissance/);
    await screenshot(page, 'dashboard-review');

    await first.locator('button[data-decision="confirmed"]').click();
    await page.locator('#message', { hasText: 'Décision enregistrée : confirmée' }).waitFor();
    expect(await cards.count()).toBe(reviewIds.length - 1);
    expect(await page.locator(`#review-list article[data-id="${id}"]`).count()).toBe(0);
    // Stored and audited by the server, under the caller.
    const confirmed = (await request(f.server.app).get('/registry/review?status=confirmed')).body as { items: { id: string; status: string }[] };
    expect(confirmed.items.map((i) => [i.id, i.status])).toEqual([[id, 'confirmed']]);
    const audit = await f.server.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE subtype = 'link-decision'");
    expect(audit.rows[0].n).toBe(1);
    // The confirmed list shows who decided.
    await page.selectOption('#review-status', 'confirmed');
    await page.locator(`#review-list article[data-id="${id}"] .decided`).waitFor();
    expect(await page.locator(`#review-list article[data-id="${id}"] .decided`).textContent()).toMatch(/^confirmée par .+ le \d{4}-\d\d-\d\dT/);
    await screenshot(page, 'dashboard-review-confirmed');
    expect(pageErrors(page)).toEqual([]);
  });

  it('never shows a person who restricted processing', async () => {
    const { page } = f;
    const pending = (await request(f.server.app).get('/registry/review?status=pending')).body as { items: { id: string; a: { recordId: string }; b: { recordId: string } }[] };
    const target = pending.items[0];
    const p = await request(f.server.app).post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: 'RESTREINT' }] });
    await f.server.ctx.db.query('UPDATE registry_identity SET patient_id = $1 WHERE record_id = $2', [p.body.id, target.a.recordId]);
    expect((await request(f.server.app).post(`/fhir/Patient/${p.body.id}/$restrict-processing`)).status).toBe(200);
    await page.goto(`${f.origin}/dashboard/`);
    await page.locator('#review-count').filter({ hasText: 'paire' }).waitFor();
    expect(await page.locator(`#review-list article[data-id="${target.id}"]`).count()).toBe(0);
    expect(await page.locator('#review-list').textContent()).not.toContain(target.a.recordId);
    await page.locator('#indicators-summary', { hasText: '1 personne(s)' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('registry dashboard with authentication', () => {
  const f = servePages(async () => {
    const server = await openAuthServer('pglite', { registryRunIntervalMinutes: 0 });
    await seedRegistry(server.ctx.db);
    return server;
  });

  it('refuses a clinical token with a readable message, and works in English with the registry scopes', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/dashboard/`);
    await page.selectOption('#lang', 'en');
    await page.fill('#token', await f.server.token('system/*.cruds'));
    await page.click('#auth-form button[type="submit"]');
    await page.locator('#message.error').waitFor();
    expect(await page.locator('#message').textContent()).toMatch(/^403 — Forbidden: the token lacks the rights needed: /);
    await page.fill('#token', await f.server.token('system/RegistryCase.rs system/RegistryLink.ru'));
    await page.click('#auth-form button[type="submit"]');
    await page.locator('#review-list article.pair').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe('Registry dashboard');
    expect(await page.locator('#charts figcaption').first().textContent()).toBe('Cases by year');
    await screenshot(page, 'dashboard-english');
  });
});
