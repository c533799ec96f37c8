// The conformance workbench in a real headless Chromium against a running oncofhir: upload a CDA and
// see its report and converted Bundle; a broken document with the error highlighted at its line; a
// FHIR document and its generated CDA; downloads; sign-in; French/English and accessibility checks.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestServer } from '../support/server.js';
import { openAuthServer } from '../security/auth-support.js';
import { mdm } from '../hl7v2/mdm-support.js';
import { HAS_CHROMIUM, NO_CHROMIUM_MESSAGE, pageErrors, screenshot, servePages } from './browser.js';

const EXAMPLES = new URL('../../examples/', import.meta.url);
const RCP_CDA = readFileSync(new URL('cda/fiche-rcp.xml', EXAMPLES), 'utf8');
const RCP_BUNDLE = readFileSync(new URL('fhir/rcp-bundle.json', EXAMPLES), 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

if (!HAS_CHROMIUM) console.warn(`test/web skipped: ${NO_CHROMIUM_MESSAGE}`);

describe.skipIf(!HAS_CHROMIUM)('workbench in Chromium', () => {
  const f = servePages(() => openTestServer('pglite')); // AUTH=off: the page works without a token
  const files = mkdtempSync(join(tmpdir(), 'oncofhir-web-'));
  const file = (name: string, text: string) => {
    const p = join(files, name);
    writeFileSync(p, text);
    return p;
  };

  it('uploads an example CDA and shows its report and its converted FHIR Bundle; both downloads work', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Atelier de conformité');
    await page.setInputFiles('#file', file('fiche-rcp.xml', RCP_CDA));
    await page.click('#validate');
    await page.locator('#report .verdict').waitFor();
    expect(await page.locator('#report .verdict').textContent()).toBe('Conforme : aucune erreur.');
    expect(await page.locator('[data-count="error"]').textContent()).toBe('0 erreur(s)');
    expect(await page.locator('#report tbody tr').first().textContent()).toMatch(/Fiche RCP \(CANCER-FRCP 2022\.01\)/);
    expect(await page.locator('#source li').count()).toBe(RCP_CDA.split('\n').length);
    await page.locator('#conversion').waitFor();
    expect(await page.locator('#conversion-title').textContent()).toBe('Document FHIR converti depuis le CDA');
    const bundle = JSON.parse((await page.locator('#converted').textContent())!);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(bundle.entry[0].resource.resourceType).toBe('Composition');
    await screenshot(page, 'workbench-cda-valid');

    const [outcomeFile] = await Promise.all([page.waitForEvent('download'), page.click('#download-outcome')]);
    expect(outcomeFile.suggestedFilename()).toBe('fiche-rcp.outcome.json');
    expect(JSON.parse(readFileSync((await outcomeFile.path())!, 'utf8')).resourceType).toBe('OperationOutcome');
    const [junit] = await Promise.all([page.waitForEvent('download'), page.click('#download-junit')]);
    expect(readFileSync((await junit.path())!, 'utf8')).toMatch(/<testsuite name="oncofhir validate" tests="1" failures="0"/);
    expect(pageErrors(page)).toEqual([]);
  });

  it('uploads a broken CDA and highlights the error at its line, for a rule and for malformed XML', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/`);
    // A document code outside JDV_J07: the finding's XPath is /ClinicalDocument/code/@code.
    const badCode = RCP_CDA.replace('<code code="34794-8"', '<code code="99999-9"');
    const codeLine = lineOf(badCode, '<code code="99999-9"');
    await page.setInputFiles('#file', file('bad-code.xml', badCode));
    await page.click('#validate');
    await page.locator('#report .verdict.invalid').waitFor();
    expect(Number((await page.locator('[data-count="error"]').textContent())!.match(/\d+/)![0])).toBeGreaterThan(0);
    const errorRow = page.locator('#report tr.sev-error', { hasText: '/ClinicalDocument/code/@code' }).first();
    expect(await errorRow.locator('.line-link').getAttribute('data-line')).toBe(String(codeLine));
    expect(await page.locator(`#source li[data-line="${codeLine}"]`).getAttribute('class')).toMatch(/hl-error/);
    await errorRow.locator('.line-link').click();
    expect(await page.locator('#source li.current').getAttribute('data-line')).toBe(String(codeLine));
    await screenshot(page, 'workbench-cda-error-line');

    // Malformed XML: the parser's line (a closing tag that does not match).
    const lines = RCP_CDA.split('\n');
    const titleLine = lines.findIndex((l) => l.includes('</title>')) + 1;
    lines[titleLine - 1] = lines[titleLine - 1].replace('</title>', '</titre>');
    await page.setInputFiles('#file', file('malformed.xml', lines.join('\n')));
    await page.click('#validate');
    await page.locator(`#source li.hl-error[data-line="${titleLine}"]`).waitFor();
    expect(await page.locator('#report .verdict').textContent()).toBe('Non conforme.');
    expect(await page.locator('#conversion').isHidden()).toBe(true);
    await screenshot(page, 'workbench-cda-malformed');

    // The fiche RCP validated as the PPS volet chosen in the picker: an error at its first templateId line.
    await page.setInputFiles('#file', file('fiche-rcp.xml', RCP_CDA));
    await page.selectOption('#profile', 'volet:pps');
    await page.click('#validate');
    await page.locator('#report .verdict.invalid').waitFor();
    const asked = page.locator('#report tr.sev-error', { hasText: 'OF-VOLET-ASKED' });
    expect(await asked.textContent()).toMatch(/Validated as the PPS .* asked for, but the document is a Fiche RCP/);
    expect(await asked.locator('.line-link').getAttribute('data-line')).toBe(String(lineOf(RCP_CDA, '<templateId')));
    await page.selectOption('#profile', '');
    expect(pageErrors(page)).toEqual([]);
  });

  it('validates a pasted FHIR document Bundle against its volet profile and shows the CDA generated from it; an HL7 v2 message too', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/`);
    await page.fill('#input', RCP_BUNDLE);
    await page.click('#validate');
    await page.locator('#conversion #converted').waitFor();
    expect(await page.locator('#message').textContent()).toMatch(/onco-bundle-rcp/);
    expect(await page.locator('#report .verdict').textContent()).toBe('Conforme : aucune erreur.');
    expect(await page.locator('#conversion-title').textContent()).toBe('Document CDA généré depuis le document FHIR');
    expect(await page.locator('#converted').textContent()).toMatch(/<ClinicalDocument xmlns="urn:hl7-org:v3"/);
    await screenshot(page, 'workbench-fhir-to-cda');

    // An HL7 v2 message of the wrong version: the error points at the MSH line.
    const er7 = ['MSH|^~\\&|DPI-X|CHU-X|ONCOFHIR|INCA|20261201120000||MDM^T02^MDM_T02|MSG1|P|2.3', 'EVN||20261201120000', 'PID|||1^^^X'].join('\r');
    await page.fill('#input', er7);
    await page.click('#validate');
    await page.locator('#source li.hl-error[data-line="1"]').waitFor();
    expect(await page.locator('#report tr.sev-error').first().textContent()).toMatch(/MSH-12.*exchanged in HL7 v2\.6, not 2\.3/);

    // A valid MDM^T02 carrying the fiche RCP: accepted, and the Bundle of its CDA shown beside the report.
    await page.fill('#input', mdm());
    await page.click('#validate');
    await page.locator('#conversion #converted').waitFor();
    expect(await page.locator('#report .verdict').textContent()).toBe('Conforme : aucune erreur.');
    expect(await page.locator('#conversion-title').textContent()).toBe('Document FHIR converti depuis le CDA porté par le message');
    expect(JSON.parse((await page.locator('#converted').textContent())!)).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    await screenshot(page, 'workbench-hl7v2-to-fhir');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lists the profiles stored on the server beside the shipped ones, and validates against one of them', async () => {
    const { page } = f;
    const profile = JSON.parse(readFileSync(new URL('profiles/vital-signs-observation.json', EXAMPLES), 'utf8'));
    const stored = await fetch(`${f.origin}/fhir/StructureDefinition`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(profile) });
    expect(stored.status).toBe(201);
    await page.goto(`${f.origin}/`);
    const option = page.locator(`#profile optgroup[label="Profils stockés sur le serveur"] option[value="${profile.url}"]`);
    await option.waitFor({ state: 'attached' });
    // Shipped profiles are not repeated in the server's group.
    expect(await page.locator('#profile optgroup[label="Profils stockés sur le serveur"] option[value^="https://oncofhir.fr/"]').count()).toBe(0);
    const observation = {
      resourceType: 'Observation', status: 'final', category: [{ text: 'lab' }], code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] },
      subject: { reference: 'Patient/p1' }, effectiveDateTime: '2020-01-01T10:00:00Z', valueQuantity: { value: 170, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
    };
    await page.fill('#input', JSON.stringify(observation, null, 2));
    await page.selectOption('#profile', profile.url);
    await page.click('#validate');
    await page.locator('#report .verdict.invalid').waitFor();
    expect(await page.locator('#report').textContent()).toMatch(/Slice 'VSCat'/);
    await page.selectOption('#profile', '');
    expect(pageErrors(page)).toEqual([]);
  });

  it('is in French and in English, labels every control, works from the keyboard, and keeps text contrast ≥ 4.5:1', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/`);
    await page.selectOption('#lang', 'en');
    expect(await page.locator('h1').textContent()).toBe('Conformance workbench');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('label[for="profile"]').textContent()).toBe('Profile or volet');
    // Every form control has an accessible label.
    const unlabelled = await page.$$eval('input, select, textarea, button', (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label') && !e.textContent?.trim()).map((e) => e.id || e.outerHTML.slice(0, 60)));
    expect(unlabelled).toEqual([]);
    // Keyboard only: the skip link comes first; the content goes in and validates with Enter on the button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.focus('#input');
    await page.keyboard.insertText(RCP_CDA);
    await page.focus('#validate');
    await page.keyboard.press('Enter');
    await page.locator('#report .verdict').waitFor();
    expect(await page.locator('#report .verdict').textContent()).toBe('Conformant: no errors.');
    const lowContrast = await page.$$eval('h1, p, label, button, .badge, .count, .verdict, th, td, .message, a', (els) => {
      const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (e: Element | null): number[] => {
        for (; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c;
        }
        return [255, 255, 255];
      };
      return els.filter((e) => e.textContent?.trim() && (e as HTMLElement).offsetParent).flatMap((e) => {
        const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        return ratio < 4.5 ? [`${e.tagName}.${e.className}: ${ratio.toFixed(2)}`] : [];
      });
    });
    expect(lowContrast).toEqual([]);
    await screenshot(page, 'workbench-english');
    await page.selectOption('#lang', 'fr');
    expect(pageErrors(page)).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('workbench with authentication', () => {
  const f = servePages(() => openAuthServer('pglite'));

  it('shows the 401 as a readable message, then works with a token pasted from `oncofhir token`', async () => {
    const { page } = f;
    await page.goto(`${f.origin}/`);
    await page.fill('#input', RCP_CDA);
    await page.click('#validate');
    await page.locator('#message.error').waitFor();
    expect(await page.locator('#message').textContent()).toMatch(/^401 — Authentification requise : .*collez un jeton d'accès/);
    expect(await page.getAttribute('#message', 'role')).toBe('alert');
    await screenshot(page, 'workbench-401');
    await page.fill('#token', await f.server.token('system/Bundle.r'));
    await page.click('#auth-form button[type="submit"]');
    expect(await page.locator('#token-state').textContent()).toBe('Jeton enregistré pour cet onglet.');
    await page.click('#validate');
    await page.locator('#conversion #converted').waitFor();
    expect(await page.locator('#report .verdict').textContent()).toBe('Conforme : aucune erreur.');
    expect(pageErrors(page)).toEqual([]);
  });
});
