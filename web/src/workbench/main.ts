// The conformance workbench: paste or upload a FHIR resource (JSON, XML), a CDA document or an HL7 v2
// message; it is checked by the API's own operations ($validate, $validate-cda, $validate-hl7v2) and
// converted ($cda-to-fhir, Bundle/$to-cda); the report sits next to the source with the lines marked.
import profiles from 'virtual:profiles';
import { ApiError, call, FHIR_BASE, type OperationOutcome } from '../api.js';
import { onLangChange, t } from '../i18n.js';
import { $, announce, el, initShell } from '../shell.js';
import { detectKind, isDocumentBundle, KINDS, resourceTypeOf, VOLETS, voletOfBundle, type Kind } from './detect.js';
import { download } from '../download.js';
import { junitReport } from './junit.js';
import { locator } from './locate.js';
import { lineMarks, renderReport } from './report.js';
import { renderSource, showLine } from './source-view.js';

interface Parameters { resourceType: 'Parameters'; parameter: { name: string; resource?: unknown; valueString?: string; valueCode?: string }[] }
const param = (p: Parameters, name: string) => p.parameter.find((x) => x.name === name);

const CONTENT_TYPES: Record<Kind, string> = {
  'fhir-json': 'application/fhir+json',
  'fhir-xml': 'application/fhir+xml',
  cda: 'application/hl7-cda+xml',
  hl7v2: 'x-application/hl7-v2+er7',
};

interface Result { source: string; kind: Kind; name: string; outcome: OperationOutcome; converted?: { text: string; fileName: string; type: string; label: string; outcome?: OperationOutcome } }
let last: Result | undefined;
let fileName = '';

interface ProfileEntry { url: string; title: string; type: string }
/** Profiles stored on the server (an integrator's own IG), beside the shipped ones; empty without read access. */
let serverProfiles: ProfileEntry[] = [];

async function loadServerProfiles(): Promise<void> {
  const query = 'kind=resource&derivation=constraint&_elements=url,name,title,type&_count=200';
  const r = await call<{ entry?: { resource: { url?: string; name?: string; title?: string; type?: string } }[] }>('GET', `${FHIR_BASE}/StructureDefinition?${query}`, { accept: [401, 403] }).catch(() => undefined);
  const shipped = new Set(profiles.map((p) => p.url));
  serverProfiles = r?.status === 200
    ? (r.body.entry ?? []).map((e) => e.resource).filter((sd) => sd.url && !shipped.has(sd.url))
      .map((sd) => ({ url: sd.url!, title: sd.title ?? sd.name ?? sd.url!, type: sd.type ?? '' }))
    : [];
  fillPickers();
}

function fillPickers(): void {
  const kind = $<HTMLSelectElement>('#kind');
  const chosenKind = kind.value;
  kind.replaceChildren(el('option', { value: '' }, t('wb.kindAuto')), ...KINDS.map((k) => el('option', { value: k }, t(`kind.${k}`))));
  kind.value = chosenKind;
  const profile = $<HTMLSelectElement>('#profile');
  const chosen = profile.value;
  const fhir = el('optgroup', { label: t('wb.fhirProfiles') }, ...profiles.map((p) => el('option', { value: p.url }, `${p.title} (${p.type})`)));
  const stored = el('optgroup', { label: t('wb.serverProfiles') }, ...serverProfiles.map((p) => el('option', { value: p.url }, `${p.title} (${p.type})`)));
  const volets = el('optgroup', { label: t('wb.cdaVolets') }, ...VOLETS.map((v) => el('option', { value: `volet:${v.key}` }, t(`volet.${v.key}`))));
  profile.replaceChildren(el('option', { value: '' }, t('wb.profileAuto')), fhir, ...(serverProfiles.length ? [stored] : []), volets);
  profile.value = chosen;
}

async function validate(text: string, kind: Kind, choice: string): Promise<{ outcome: OperationOutcome; status: number; notes: string[] }> {
  const notes: string[] = [];
  const ct = CONTENT_TYPES[kind];
  if (kind === 'cda' || kind === 'hl7v2') {
    // A volet chosen is validated as such (?volet=): the server reports it when the document is another.
    const query = choice.startsWith('volet:') ? `?volet=${encodeURIComponent(choice.slice(6))}` : '';
    const r = await call<OperationOutcome>('POST', `${FHIR_BASE}/${kind === 'cda' ? '$validate-cda' : '$validate-hl7v2'}${query}`, { body: text, contentType: ct, accept: [400] });
    return { outcome: r.body, status: r.status, notes };
  }
  const type = resourceTypeOf(text, kind);
  if (!type) throw new ApiError(0, t('wb.noResourceType'));
  // The profile: the one chosen, a volet's Bundle profile, or for a document Bundle the one its Composition type names.
  let profile = choice.startsWith('volet:') ? VOLETS.find((v) => `volet:${v.key}` === choice)?.bundleProfile : choice;
  if (!profile && kind === 'fhir-json') {
    const volet = voletOfBundle(text);
    profile = VOLETS.find((v) => v.key === volet)?.bundleProfile;
    if (profile) notes.push(t('wb.detectedProfile', { profile }));
  }
  const query = profile ? `?profile=${encodeURIComponent(profile)}` : '';
  const r = await call<OperationOutcome>('POST', `${FHIR_BASE}/${encodeURIComponent(type)}/$validate${query}`, { body: text, contentType: ct, accept: [400, 422] });
  return { outcome: r.body, status: r.status, notes };
}

/** The other form of a document that could be read (validation answered 200): CDA → FHIR, FHIR document → CDA. */
async function convert(text: string, kind: Kind): Promise<Result['converted']> {
  if (kind === 'cda' || kind === 'hl7v2') {
    // An HL7 v2 message: the Bundle of the CDA it carries, read as the MLLP intake reads it.
    const [operation, label] = kind === 'cda' ? ['$cda-to-fhir', t('wb.convertedBundle')] : ['$hl7v2-to-fhir', t('wb.convertedFromHl7')];
    const r = await call<Parameters | OperationOutcome>('POST', `${FHIR_BASE}/${operation}`, { body: text, contentType: CONTENT_TYPES[kind], accept: [400, 422] });
    if (r.body.resourceType === 'OperationOutcome') return { text: '', fileName: '', type: '', label, outcome: r.body };
    const bundle = JSON.stringify(param(r.body, 'bundle')?.resource, null, 2);
    return { text: bundle, fileName: `${base()}.fhir.json`, type: 'application/fhir+json', label, outcome: param(r.body, 'outcome')?.resource as OperationOutcome };
  }
  if ((kind === 'fhir-json' || kind === 'fhir-xml') && isDocumentBundle(text, kind)) {
    const r = await call<Parameters | OperationOutcome>('POST', `${FHIR_BASE}/Bundle/$to-cda`, { body: text, contentType: CONTENT_TYPES[kind], accept: [400, 422] });
    if (r.body.resourceType === 'OperationOutcome') return { text: '', fileName: '', type: '', label: t('wb.generatedCda'), outcome: r.body };
    return { text: param(r.body, 'cda')?.valueString ?? '', fileName: `${base()}.cda.xml`, type: 'application/hl7-cda+xml', label: t('wb.generatedCda'), outcome: param(r.body, 'outcome')?.resource as OperationOutcome };
  }
  return undefined;
}

const base = () => (fileName || 'document').replace(/\.[^.]+$/, '');

function render(): void {
  if (!last) return;
  const { source, kind, outcome, converted } = last;
  const locate = locator(source, kind);
  const sourceView = $('#source');
  renderSource(sourceView, source, lineMarks(outcome, locate));
  renderReport($('#report'), outcome, locate, (line) => showLine(sourceView, line));
  $('#results').hidden = false;
  $('#downloads').hidden = false;
  const panel = $('#conversion');
  panel.hidden = !converted;
  if (converted) {
    $('#conversion-title').textContent = converted.label;
    const summary = converted.outcome?.issue.map((i) => `${t(`sev.${i.severity === 'fatal' ? 'error' : i.severity}`)} : ${i.diagnostics ?? i.code}${i.expression?.length ? ` (${i.expression.join(', ')})` : ''}`) ?? [];
    $('#conversion-notes').replaceChildren(...summary.slice(0, 50).map((s) => el('li', {}, s)));
    $('#converted').textContent = converted.text || t('wb.notConverted');
    $<HTMLButtonElement>('#download-converted').hidden = !converted.text;
  }
}

async function run(): Promise<void> {
  const text = $<HTMLTextAreaElement>('#input').value;
  if (!text.trim()) return announce(t('wb.empty'), 'error');
  const kind = ($<HTMLSelectElement>('#kind').value as Kind) || detectKind(text);
  if (!kind) return announce(t('wb.unknownKind'), 'error');
  const choice = $<HTMLSelectElement>('#profile').value;
  const button = $<HTMLButtonElement>('#validate');
  button.disabled = true;
  announce(t('wb.running'));
  try {
    const { outcome, status, notes } = await validate(text, kind, choice);
    const converted = status !== 200 ? undefined : await convert(text, kind).catch((e: unknown) => {
      if (e instanceof ApiError) notes.push(e.message);
      return undefined;
    });
    last = { source: text, kind, name: fileName || t(`kind.${kind}`), outcome, converted };
    render();
    announce([t('wb.done', { kind: t(`kind.${kind}`) }), ...notes].join(' '));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    announce(e.status === 401 ? `${e.message} — ${t('auth.needed')}` : e.message, 'error');
  } finally {
    button.disabled = false;
  }
}

function init(): void {
  initShell();
  fillPickers();
  void loadServerProfiles();
  $('#auth-form').addEventListener('submit', () => void loadServerProfiles()); // a new token may read more
  onLangChange(() => {
    fillPickers();
    render();
  });
  $<HTMLInputElement>('#file').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    fileName = file.name;
    $<HTMLTextAreaElement>('#input').value = await file.text();
    announce(t('wb.loaded', { name: file.name }));
  });
  $<HTMLTextAreaElement>('#input').addEventListener('input', () => void (fileName = ''));
  $('#workbench-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  $('#download-outcome').addEventListener('click', () => last && download(`${base()}.outcome.json`, JSON.stringify(last.outcome, null, 2), 'application/fhir+json'));
  $('#download-junit').addEventListener('click', () => last && download(`${base()}.junit.xml`, junitReport(last.name, last.outcome), 'application/xml'));
  $('#download-converted').addEventListener('click', () => last?.converted && download(last.converted.fileName, last.converted.text, last.converted.type));
}

init();
