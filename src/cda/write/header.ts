// The CI-SIS header (structuration minimale) from a FHIR document Bundle: realmCode, typeId, the
// header and volet templateIds, id (Bundle.identifier), code (Composition.type), title, effectiveTime,
// confidentialityCode, languageCode, setId (Composition.identifier) and versionNumber, recordTarget
// (Patient with its INS ids and traits), authors, informants, custodian, legalAuthenticator and
// authenticators (Composition.attester), participants (the encounter's), inFulfillmentOf,
// documentationOf/serviceEvent (Composition.event), relatedDocument and componentOf/
// encompassingEncounter. The inverse of src/cda/to-fhir/header.ts; tables in header.json and (read
// backwards) src/cda/to-fhir/header-map.json.
import type { Coding, Composition, Encounter, Extension, Identifier, Location, Organization, Patient, PatientContact, Reference } from 'fhir/r4';
import { inValueSet } from '../validation/value-sets.js';
import headerMap from '../to-fhir/header-map.json' with { type: 'json' };
import { ad, cd, ii, invert, ivlTs, pn, tel, ts, tsEl } from './datatypes.js';
import type { Located, WriteContext } from './context.js';
import { organizationEl, professional, roleEl } from './entities.js';
import table from './header.json' with { type: 'json' };
import { el, type XElement } from './xml.js';

export interface HeaderOptions {
  /** Document-level templateIds of the volet (after the two header ones). */
  templateIds: { root: string; extension?: string }[];
  /** The document type code (LOINC) and its display, when Composition.type lacks one. */
  typeCode: Coding;
  /** Write typeCode rather than Composition.type (a legacy document code the current rules reject). */
  replaceType?: boolean;
  /** serviceEvent/code when Composition.event has none (FRCP: RCP; CR-GM: 51956-1). */
  serviceEventCode?: Coding;
  /** encompassingEncounter/code when the Encounter has no class (CR-GM: AMB). */
  encounterCode?: Coding;
}

const INS = new Set(headerMap.insOids);
const NAME_QUALIFIER = invert(headerMap.nameQualifierUse as Record<string, string>);
const RELATED = invert(headerMap.relatedDocument as Record<string, string>);
const PARTICIPATION = headerMap.participationTypeSystem;
const GENDER = table.gender.codes as Record<string, string>;
const GENDER_DISPLAY = table.gender.displays as Record<string, string>;
const CONF_DISPLAY = table.confidentiality.displays as Record<string, string>;

const oidOf = (id: Identifier | undefined): string => (id?.system ?? '').replace(/^urn:oid:/, '');
/** An extension by URL; an id without a scheme (header-map.json) is an oncofhir StructureDefinition, matched by its URL's end. */
const ext = (exts: Extension[] | undefined, id: string): Extension | undefined => exts?.find((e) => e.url === id || e.url.endsWith(`/${id}`) || e.url.endsWith(`-${id}`));

// ---- recordTarget

/** The patient's one CDA name: birth name (BR) with first given name (BR) and the list of given names, and the used name (CL). */
function patientName(ctx: WriteContext, p: Located<Patient>, hasIns: boolean): XElement | undefined {
  const names = p.resource.name ?? [];
  const official = names.find((n) => n.use === 'official') ?? (names.length === 1 && !names[0].use ? names[0] : undefined);
  const usual = names.find((n) => n.use === 'usual');
  const parts: XElement[] = [];
  if (official) {
    parts.push(...(official.prefix ?? []).map((x) => el('prefix', {}, x)));
    if (official.family) parts.push(el('family', { qualifier: NAME_QUALIFIER.official }, official.family));
    const list = ext(official.extension, headerMap.birthListGivenNameExtension)?.valueString ?? official.given?.join(' ');
    if (list) parts.push(el('given', {}, list));
    if (official.given?.[0]) parts.push(el('given', { qualifier: NAME_QUALIFIER.official }, official.given[0]));
  }
  if (usual) {
    if (usual.family) parts.push(el('family', { qualifier: NAME_QUALIFIER.usual }, usual.family));
    for (const g of usual.given ?? []) parts.push(el('given', { qualifier: NAME_QUALIFIER.usual }, g));
  }
  if (!parts.length) {
    const any = names[0];
    if (any) {
      // A name of another use: written as the used name (CL), the qualifier the header rules accept.
      if (any.family) parts.push(el('family', { qualifier: NAME_QUALIFIER.usual }, any.family));
      for (const g of any.given ?? []) parts.push(el('given', {}, g));
    }
  }
  if (hasIns && !official) ctx.warn('The Patient has an INS but no official (birth) name: the INS traits (nom et prénoms de naissance) are missing', `${p.path}.name`, 'error');
  return parts.length ? el('name', {}, parts) : undefined;
}

function birthplace(ctx: WriteContext, p: Located<Patient>, hasIns: boolean): XElement | undefined {
  const bp = ext(p.resource.extension, headerMap.birthPlaceExtension)?.valueAddress;
  // The INSEE (COG) code: the address extension carrying it (FR Core, ours), else the district.
  const insee = bp?.extension?.map((e) => e.valueCoding?.code ?? e.valueCode ?? e.valueString).find((v) => !!v) ?? bp?.district;
  if (!bp) {
    if (hasIns) ctx.warn('The Patient has an INS but no birthPlace extension: the INS trait lieu de naissance (code COG) is missing', `${p.path}.extension`, 'error');
    return undefined;
  }
  const addr = ad('addr', { ...bp, district: undefined }, insee ? [el('county', {}, insee)] : []);
  return addr ? el('birthplace', {}, el('place', {}, addr)) : undefined;
}

function guardians(p: Located<Patient>): XElement[] {
  return (p.resource.contact ?? []).filter((c) => c.relationship?.some((r) => r.coding?.some((x) => x.code === 'GUARD'))).map((c) => {
    const name = pn('name', c.name);
    return el('guardian', {},
      (c.address ? [ad('addr', c.address)] : []),
      (c.telecom ?? []).map((t) => tel('telecom', t)),
      name ? el('guardianPerson', {}, name) : el('guardianOrganization', {}, el('name', {}, c.organization?.display ?? 'Inconnu')),
    );
  });
}

function recordTarget(ctx: WriteContext, p: Located<Patient>): XElement {
  const pat = p.resource;
  const identifiers = (pat.identifier ?? []).map((id, i) => ({ id, path: `${p.path}.identifier[${i}]` }));
  // INS first: the header rules and readers look at the first id.
  identifiers.sort((a, b) => Number(INS.has(oidOf(b.id))) - Number(INS.has(oidOf(a.id))));
  const ids = identifiers.map(({ id, path }) => ii('id', id, path, ctx.warn)).filter((x): x is XElement => !!x);
  const hasIns = identifiers.some(({ id }) => INS.has(oidOf(id)));
  if (!ids.length) ctx.warn('The Patient has no identifier with an OID system (INS or IPP): recordTarget/patientRole/id is written nullFlavor UNK', `${p.path}.identifier`, 'error');
  const gender = GENDER[pat.gender ?? ''];
  if (hasIns && !pat.birthDate) ctx.warn('The Patient has an INS but no birthDate (INS trait)', `${p.path}.birthDate`, 'error');
  if (hasIns && !gender) ctx.warn('The Patient has an INS but no gender (INS trait)', `${p.path}.gender`, 'error');
  const deceased = pat.deceasedDateTime ? el('sdtc:deceasedTime', { 'xmlns:sdtc': 'urn:hl7-org:sdtc', value: ts(pat.deceasedDateTime) })
    : pat.deceasedBoolean !== undefined ? el('sdtc:deceasedInd', { 'xmlns:sdtc': 'urn:hl7-org:sdtc', value: String(pat.deceasedBoolean) }) : undefined;
  const patient = el('patient', { classCode: 'PSN' },
    patientName(ctx, p, hasIns),
    gender ? el('administrativeGenderCode', { code: gender, codeSystem: table.gender.codeSystem, displayName: GENDER_DISPLAY[gender] }) : undefined,
    pat.birthDate ? tsEl('birthTime', pat.birthDate) : undefined,
    deceased,
    pat.maritalStatus ? cd('maritalStatusCode', pat.maritalStatus, { path: `${p.path}.maritalStatus`, warn: ctx.warn }) : undefined,
    guardians(p),
    birthplace(ctx, p, hasIns),
  );
  return el('recordTarget', {}, el('patientRole', {},
    ids.length ? ids : [el('id', { nullFlavor: 'UNK' })],
    (pat.address ?? []).map((a) => ad('addr', a)),
    (pat.telecom ?? []).map((t) => tel('telecom', t)),
    patient,
  ));
}

/** Emergency contacts and next of kin (Patient.contact ECON/NOK) → informant/relatedEntity. */
function informants(p: Located<Patient>): XElement[] {
  const rel = headerMap.contactRelationship as Record<string, { code: string; system: string }>;
  const kinds = Object.entries(rel).filter(([k]) => k !== 'GUARD');
  return (p.resource.contact ?? []).flatMap((c: PatientContact) => {
    const kind = kinds.find(([, v]) => c.relationship?.some((r) => r.coding?.some((x) => x.system === v.system && x.code === v.code)))?.[0];
    if (!kind) return [];
    const code = c.relationship?.find((r) => !r.coding?.some((x) => x.system === rel[kind].system));
    const name = pn('name', c.name);
    return [el('informant', {}, el('relatedEntity', { classCode: kind },
      code ? cd('code', code) : undefined,
      c.address ? ad('addr', c.address) : undefined,
      (c.telecom ?? []).map((t) => tel('telecom', t)),
      name ? el('relatedPerson', {}, name) : undefined,
    ))];
  });
}

// ---- authors, custodian, authenticators

function functionCode(ctx: WriteContext, fn: Composition['type'] | undefined, path: string): XElement | undefined {
  const code = fn?.coding?.find((c) => c.code && inValueSet(table.functionCodeValueSet, c.code));
  if (fn && !code && fn.coding?.length) ctx.warn(`The function ${fn.coding.map((c) => c.code).join(', ')} is not in ${table.functionCodeValueSet}; author/functionCode is left out`, path, 'information');
  return code ? cd('functionCode', { coding: [code], text: fn?.text }, { path, warn: ctx.warn }) : undefined;
}

function authors(ctx: WriteContext, comp: Located<Composition>): XElement[] {
  const time = comp.resource.date;
  const out: XElement[] = [];
  (comp.resource.author ?? []).forEach((ref, i) => {
    const path = `${comp.path}.author[${i}]`;
    const p = professional(ctx, ref, path);
    if (!p) return;
    out.push(el('author', {},
      functionCode(ctx, p.fn, `${p.path}.code[0]`),
      tsEl('time', time),
      roleEl(ctx, p, { role: 'assignedAuthor', person: 'assignedPerson', organization: 'representedOrganization' }),
    ));
  });
  if (!out.length) ctx.warn('The Composition has no author that resolves to a professional, organisation or device: the CDA needs at least one author', `${comp.path}.author`, 'error');
  return out;
}

function custodian(ctx: WriteContext, comp: Located<Composition>): XElement | undefined {
  const org = ctx.take<Organization>(comp.resource.custodian, `${comp.path}.custodian`);
  if (!org) {
    ctx.warn('The Composition has no custodian Organization in the Bundle: the CDA custodian is required', `${comp.path}.custodian`, 'error');
    return undefined;
  }
  const o = org.resource;
  const ids = (o.identifier ?? []).map((id, i) => ii('id', id, `${org.path}.identifier[${i}]`, ctx.warn)).filter((x): x is XElement => !!x);
  return el('custodian', {}, el('assignedCustodian', {}, el('representedCustodianOrganization', {},
    ids.length ? ids : [el('id', { nullFlavor: 'UNK' })],
    o.name ? el('name', {}, o.name) : undefined,
    o.telecom?.[0] ? tel('telecom', o.telecom[0]) : undefined,
    o.address?.[0] ? ad('addr', o.address[0]) : undefined,
  )));
}

function authenticators(ctx: WriteContext, comp: Located<Composition>): { legal?: XElement; others: XElement[] } {
  let legal: XElement | undefined;
  const others: XElement[] = [];
  (comp.resource.attester ?? []).forEach((a, i) => {
    const path = `${comp.path}.attester[${i}]`;
    if (a.mode !== 'legal' && a.mode !== 'professional') {
      ctx.warn(`An attester in mode ${a.mode} has no CDA form; it is left out`, path, 'information');
      return;
    }
    const p = professional(ctx, a.party, `${path}.party`);
    if (!p) return;
    const name = a.mode === 'legal' ? 'legalAuthenticator' : 'authenticator';
    if (name === 'legalAuthenticator' && legal) {
      ctx.warn('A second legal attester: CDA has one legalAuthenticator; this one is written as an authenticator', path, 'warning');
    }
    const x = el(legal || name === 'authenticator' ? 'authenticator' : 'legalAuthenticator', {},
      tsEl('time', a.time ?? comp.resource.date),
      el('signatureCode', { code: table.signatureCode }),
      roleEl(ctx, p, { role: 'assignedEntity', person: 'assignedPerson', organization: 'representedOrganization' }),
    );
    if (x.name === 'legalAuthenticator') legal = x;
    else others.push(x);
  });
  if (!legal) ctx.warn('The Composition has no legal attester: the CDA legalAuthenticator is required', `${comp.path}.attester`, 'error');
  return { legal, others };
}

// ---- participants (the encounter's), serviceEvent, encompassingEncounter

function participants(ctx: WriteContext, enc: Located<Encounter> | undefined, patient: Located<Patient>): XElement[] {
  const out: XElement[] = [];
  const seen = new Set<string>();
  const add = (typeCode: string, fnConcept: Composition['type'] | undefined, ref: Reference | undefined, period: Encounter['period'], path: string) => {
    const key = `${typeCode}|${ref?.reference ?? ''}|${fnConcept?.coding?.[0]?.code ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const p = professional(ctx, ref, path);
    if (!p) return;
    const fn = fnConcept ?? p.fn;
    out.push(el('participant', { typeCode },
      fn ? cd('functionCode', fn, { path, warn: ctx.warn }) : undefined,
      period ? ivlTs('time', period, undefined) : undefined,
      roleEl(ctx, p, { role: 'associatedEntity', person: 'associatedPerson', organization: 'scopingOrganization', attrs: { classCode: table.participantClassCode } }),
    ));
  };
  (enc?.resource.participant ?? []).forEach((part, i) => {
    const path = `${enc!.path}.participant[${i}]`;
    const type = part.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === PARTICIPATION)?.code;
    const fn = part.type?.find((t) => !t.coding?.some((c) => c.system === PARTICIPATION));
    if (!type) ctx.warn('An encounter participant without a v3 ParticipationType is written as a participant PRF', `${path}.type`, 'information');
    add(type ?? 'PRF', fn, part.individual, part.period, `${path}.individual`);
  });
  // The médecin traitant: participant INF with function PCP (to-fhir reads it into generalPractitioner).
  (patient.resource.generalPractitioner ?? []).forEach((gp, i) => {
    if (out.length && (enc?.resource.participant ?? []).some((p) => p.individual?.reference === gp.reference)) return;
    add('INF', { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationFunction', code: headerMap.generalPractitionerFunction, display: 'Médecin traitant' }] }, gp, undefined, `${patient.path}.generalPractitioner[${i}]`);
  });
  return out;
}

function serviceEvents(ctx: WriteContext, comp: Located<Composition>, opts: HeaderOptions): XElement[] {
  const events = comp.resource.event ?? [];
  const out = events.map((ev, i) => {
    const path = `${comp.path}.event[${i}]`;
    const performers = (ev.detail ?? []).map((ref, j) => professional(ctx, ref, `${path}.detail[${j}]`)).filter((p) => !!p);
    const code = ev.code?.[0] ?? (i === 0 ? opts.serviceEventCode : undefined);
    return el('documentationOf', {}, el('serviceEvent', { classCode: 'ACT' },
      code ? cd('code', code, { path: `${path}.code[0]`, warn: ctx.warn }) : undefined,
      ev.period ? ivlTs('effectiveTime', ev.period) : i === 0 ? el('effectiveTime', {}, el('low', { value: ts(comp.resource.date) })) : undefined,
      performers.map((p) => el('performer', { typeCode: table.serviceEventPerformer }, roleEl(ctx, p!, { role: 'assignedEntity', person: 'assignedPerson', organization: 'representedOrganization' }))),
    ));
  });
  const first = out[0]?.children[0] as XElement | undefined;
  if (!first || !first.children.some((c) => typeof c !== 'string' && c.name === 'performer')) {
    // The header rules want a first serviceEvent with one performer and one effectiveTime: the legal
    // authenticator (else the first author) performed the documented act, on the document date.
    const who = comp.resource.attester?.find((a) => a.mode === 'legal')?.party ?? comp.resource.author?.[0];
    const p = professional(ctx, who, `${comp.path}.attester`);
    ctx.warn('Composition.event has no performer: the first serviceEvent takes the legal authenticator (or the first author) as performer and the document date', `${comp.path}.event`, 'information');
    const perf = p ? el('performer', { typeCode: table.serviceEventPerformer }, roleEl(ctx, p, { role: 'assignedEntity', person: 'assignedPerson', organization: 'representedOrganization' })) : undefined;
    if (first) first.children.push(...(perf ? [perf] : []));
    else out.push(el('documentationOf', {}, el('serviceEvent', { classCode: 'ACT' },
      opts.serviceEventCode ? cd('code', opts.serviceEventCode) : undefined,
      el('effectiveTime', {}, el('low', { value: ts(comp.resource.date) })),
      perf)));
  }
  return out;
}

function encompassingEncounter(ctx: WriteContext, comp: Located<Composition>, enc: Located<Encounter> | undefined, opts: HeaderOptions): XElement {
  const e = enc?.resource;
  const path = enc?.path ?? `${comp.path}.encounter`;
  if (!e) ctx.warn('The Composition has no Encounter in the Bundle: componentOf/encompassingEncounter is written from the document date and the custodian', `${comp.path}.encounter`, 'information');
  const cls = e?.class?.code && e.class.system === 'http://terminology.hl7.org/CodeSystem/v3-ActCode' ? e.class : undefined;
  const code = cls ?? e?.type?.[0] ?? opts.encounterCode;
  const loc = ctx.take<Location>(e?.location?.[0]?.location, `${path}.location[0].location`);
  const provider = ctx.take<Organization>(e?.serviceProvider ?? loc?.resource.managingOrganization, `${path}.serviceProvider`)
    ?? ctx.resolve<Organization>(comp.resource.custodian);
  const l = loc?.resource;
  const placeName = l?.name ?? provider?.resource.name;
  const placeAddr = l?.address ?? provider?.resource.address?.[0];
  const facility = el('healthCareFacility', {},
    (l?.identifier ?? []).map((id, i) => ii('id', id, `${loc!.path}.identifier[${i}]`, ctx.warn)),
    l?.type?.[0] ? cd('code', l.type[0], { path: `${loc!.path}.type[0]`, warn: ctx.warn }) : undefined,
    placeName || placeAddr ? el('location', {}, placeName ? el('name', {}, placeName) : undefined, ad('addr', placeAddr)) : undefined,
    organizationEl(ctx, 'serviceProviderOrganization', provider),
  );
  return el('componentOf', {}, el('encompassingEncounter', {},
    (e?.identifier ?? []).map((id, i) => ii('id', id, `${path}.identifier[${i}]`, ctx.warn)),
    code ? cd('code', code, { path: `${path}.class`, warn: ctx.warn }) : undefined,
    e?.period ? ivlTs('effectiveTime', e.period) : el('effectiveTime', {}, el('low', { value: ts(comp.resource.date) })),
    el('location', {}, facility),
  ));
}

// ---- the header

/** The header elements of the ClinicalDocument, in schema order, before its component. */
export function writeHeader(ctx: WriteContext, opts: HeaderOptions): XElement[] {
  const comp = ctx.composition;
  const c = comp.resource;
  const patient = ctx.take<Patient>(c.subject, `${comp.path}.subject`);
  if (!patient || patient.resource.resourceType !== 'Patient') throw new Error('The Composition subject must be a Patient in the Bundle');
  const enc = ctx.take<Encounter>(c.encounter, `${comp.path}.encounter`);
  const docId = ii('id', ctx.bundle.identifier, 'Bundle.identifier', ctx.warn) ?? ctx.idOf({ resource: ctx.bundle as never, path: 'Bundle', fullUrl: ctx.bundle.id }, 'document');
  if (!ctx.bundle.identifier) ctx.warn('Bundle.identifier (ClinicalDocument/id) is missing: a UUID is generated', 'Bundle.identifier', 'information');
  const setId = ii('setId', c.identifier, `${comp.path}.identifier`, ctx.warn);
  if (!setId) ctx.warn('Composition.identifier (setId) is missing or not an OID/UUID: the setId is the document id', `${comp.path}.identifier`, 'warning');
  const version = ext(c.extension, headerMap.versionNumberExtension)?.valueString ?? '1';
  const typeCoding = (!opts.replaceType && c.type?.coding?.find((x) => x.system === 'http://loinc.org')) || opts.typeCode;
  const conf = c.confidentiality && CONF_DISPLAY[c.confidentiality] ? c.confidentiality : table.confidentiality.default;
  const { legal, others } = authenticators(ctx, comp);
  const related = (c.relatesTo ?? []).map((r, i) => {
    const code = RELATED[r.code];
    const target = ii('id', r.targetIdentifier, `${comp.path}.relatesTo[${i}].targetIdentifier`, ctx.warn);
    if (!code || !target) {
      ctx.warn(`relatesTo ${r.code} without a target identifier (OID/UUID) has no CDA form`, `${comp.path}.relatesTo[${i}]`, 'information');
      return undefined;
    }
    return el('relatedDocument', { typeCode: code }, el('parentDocument', {}, target));
  });
  const orders = (enc?.resource.basedOn ?? []).map((b, i) => {
    const id = ii('id', b.identifier, `${enc!.path}.basedOn[${i}].identifier`, ctx.warn);
    return id ? el('inFulfillmentOf', {}, el('order', {}, id, b.display ? el('code', { nullFlavor: 'NA' }, el('originalText', {}, b.display)) : undefined)) : undefined;
  });
  return [
    el('realmCode', { code: table.realmCode }),
    el('typeId', table.typeId),
    ...table.templateIds.map((root) => el('templateId', { root })),
    ...opts.templateIds.map((t) => el('templateId', { root: t.root, extension: t.extension })),
    docId,
    cd('code', { ...typeCoding, display: typeCoding.display ?? opts.typeCode.display }, { path: `${comp.path}.type` }),
    el('title', {}, c.title ?? opts.typeCode.display ?? 'Document'),
    tsEl('effectiveTime', c.date),
    el('confidentialityCode', { code: conf, codeSystem: table.confidentiality.codeSystem, codeSystemName: table.confidentiality.codeSystemName, displayName: CONF_DISPLAY[conf] }),
    el('languageCode', { code: c.language ?? table.defaultLanguage }),
    setId ?? el('setId', { ...docId.attrs }),
    el('versionNumber', { value: /^\d+$/.test(version) ? version : '1' }),
    recordTarget(ctx, patient),
    ...authors(ctx, comp),
    ...informants(patient),
    custodian(ctx, comp),
    legal,
    ...others,
    ...participants(ctx, enc, patient),
    ...orders.filter((o): o is XElement => !!o),
    ...serviceEvents(ctx, comp, opts),
    ...related.filter((r): r is XElement => !!r),
    encompassingEncounter(ctx, comp, enc, opts),
  ].filter((x): x is XElement => !!x);
}


