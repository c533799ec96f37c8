// The CI-SIS header (structuration minimale), shared by every volet → FHIR: recordTarget → Patient
// (INS identifiers and traits), author/legalAuthenticator/participants → PractitionerRole with its
// Practitioner and Organization (RPPS/ADELI/FINESS ids), custodian → Organization,
// documentationOf/serviceEvent → Composition.event, componentOf/encompassingEncounter → Encounter,
// and the document identity (id, setId, versionNumber, relatedDocument). Tables in header-map.json.
import type {
  Composition, CompositionAttester, CompositionEvent, CompositionRelatesTo, Device, Encounter, EncounterParticipant, Extension, HumanName,
  Identifier, Location, Organization, Patient, PatientContact, Practitioner, PractitionerRole, Reference,
} from 'fhir/r4';
import { all, attr, child, children, first, text, type CdaElement } from '../dom.js';
import type { DocumentBuilder } from './builder.js';
import { codeableConcept, coding } from './codes.js';
import { address, humanName, identifier, identifierKey, ivlTsToPeriod, telecom, tsToDate, tsToDateTime } from './datatypes.js';
import { structureDefinitionUrl } from '../../documents/canonical.js';
import map from './header-map.json' with { type: 'json' };
import { compact } from './compact.js';

const GENDER = map.gender as Record<string, Patient['gender']>;
const NAME_USE = map.nameQualifierUse as Record<string, HumanName['use']>;
const CONTACT_REL = map.contactRelationship as Record<string, { system: string; code: string; display: string }>;
const RELATES = map.relatedDocument as Record<string, CompositionRelatesTo['code']>;
const INS = new Set(map.insOids);

export interface HeaderOptions {
  /** Profile URLs of the Patient and the Encounter. */
  patient?: string;
  encounter?: string;
  /** The first documentationOf/serviceEvent code types the Encounter (the RCP meeting: TRE_R213 39). */
  encounterTypeFromServiceEvent?: boolean;
}

export interface Header {
  composition: Composition;
  patient: Reference;
  encounter?: Reference;
  /** The identity of the document: id, setId, versionNumber. */
  documentId?: Identifier;
  setId?: Identifier;
  version?: number;
}


// ---- recordTarget → Patient

function patientNames(nameEl: CdaElement): HumanName[] {
  const families = children(nameEl, 'family');
  const givens = children(nameEl, 'given');
  const prefix = children(nameEl, 'prefix').map((p) => text(p)!).filter(Boolean);
  const q = (e: CdaElement) => e.attrs.qualifier?.trim();
  const list = givens.filter((g) => !q(g)).map((g) => text(g)!).filter(Boolean); // all birth given names
  const firstGiven = givens.find((g) => q(g) === 'BR');
  const usedGivens = givens.filter((g) => q(g) === 'CL').map((g) => text(g)!);
  const hasBirthFamily = families.some((f) => q(f) === 'BR');
  const names: HumanName[] = [];
  for (const f of families) {
    const qual = q(f);
    const use = qual ? NAME_USE[qual] : hasBirthFamily ? 'usual' : 'official';
    const family = text(f);
    if (!family || names.some((n) => n.use === use && n.family === family)) continue;
    if (use === 'official') {
      const given = firstGiven ? [text(firstGiven)!] : list.length ? [list.join(' ').split(/\s+/)[0]] : [];
      const ext: Extension[] = list.length ? [{ url: structureDefinitionUrl(map.birthListGivenNameExtension), valueString: list.join(' ') }] : [];
      names.push(compact({ extension: ext, use, family, given, prefix }));
    } else {
      names.push(compact({ use, family, given: usedGivens.length ? usedGivens : undefined, prefix }));
    }
  }
  if (!families.length) {
    const n = humanName(nameEl, 'official');
    if (n) names.push(n);
  }
  return names;
}

function patientContacts(b: DocumentBuilder, patientEl: CdaElement | undefined, doc: CdaElement): PatientContact[] {
  const out: PatientContact[] = [];
  for (const g of children(patientEl, 'guardian')) {
    const person = child(g, 'guardianPerson');
    const org = child(g, 'guardianOrganization');
    out.push(compact({
      relationship: [{ coding: [CONTACT_REL.GUARD] }, ...(codeableConcept(child(g, 'code'), b.resolveText) ? [codeableConcept(child(g, 'code'), b.resolveText)!] : [])],
      name: humanName(child(person, 'name')),
      telecom: children(g, 'telecom').map(telecom).filter((t) => !!t),
      address: address(child(g, 'addr')),
      ...(org && !person ? { organization: { display: text(org, 'name') } } : {}),
    }));
  }
  for (const inf of children(doc, 'informant')) {
    const rel = child(inf, 'relatedEntity');
    if (!rel) continue; // an informant that is a health professional is not a patient contact
    const kind = CONTACT_REL[rel.attrs.classCode ?? ''];
    const code = codeableConcept(child(rel, 'code'), b.resolveText);
    out.push(compact({
      relationship: [...(kind ? [{ coding: [kind] }] : []), ...(code ? [code] : [])],
      name: humanName(child(child(rel, 'relatedPerson'), 'name')),
      telecom: children(rel, 'telecom').map(telecom).filter((t) => !!t),
      address: address(child(rel, 'addr')),
    }));
  }
  return out;
}

function convertPatient(b: DocumentBuilder, doc: CdaElement, profile: string | undefined, generalPractitioner: Reference[]): Reference {
  const role = first(doc, 'recordTarget/patientRole');
  const p = child(role, 'patient');
  const ids = children(role, 'id').map((i) => {
    const id = identifier(i);
    if (id && !INS.has(i.attrs.root ?? '') && i.attrs.extension) return { use: 'usual' as const, type: { coding: [map.localPatientIdentifierType] }, ...id };
    return id;
  }).filter((i): i is Identifier => !!i);
  if (!role) b.warn('The document has no recordTarget/patientRole: the Patient has no identity', doc, 'error', 'required');
  // Birthplace: the INSEE (COG) code of the commune is in addr/county; the rest of the address as is.
  const birthAddrEl = first(p, 'birthplace/place/addr');
  const county = text(birthAddrEl, 'county');
  const { district: _cog, ...birthAddr } = address(birthAddrEl) ?? {};
  const birthPlace: Extension[] = birthAddrEl
    ? [{
        url: map.birthPlaceExtension,
        valueAddress: {
          ...(county ? { extension: [{ url: structureDefinitionUrl(map.inseeCodeExtension), valueCoding: { system: map.inseeCodeSystem, code: county } }] } : {}),
          ...birthAddr,
        },
      }]
    : [];
  const deceasedTime = tsToDateTime(child(p, 'deceasedTime')?.attrs.value);
  const deceasedInd = child(p, 'deceasedInd')?.attrs.value;
  const patient: Patient = compact({
    resourceType: 'Patient' as const,
    ...(profile ? { meta: { profile: [profile] } } : {}),
    extension: birthPlace,
    identifier: ids,
    name: p ? patientNames(child(p, 'name') ?? p) : [],
    telecom: children(role, 'telecom').map(telecom).filter((t) => !!t),
    gender: GENDER[child(p, 'administrativeGenderCode')?.attrs.code ?? ''],
    birthDate: tsToDate(child(p, 'birthTime')?.attrs.value),
    ...(deceasedTime ? { deceasedDateTime: deceasedTime } : deceasedInd ? { deceasedBoolean: deceasedInd === 'true' } : {}),
    address: children(role, 'addr').map(address).filter((a) => !!a),
    maritalStatus: codeableConcept(child(p, 'maritalStatusCode'), b.resolveText),
    contact: patientContacts(b, p, doc),
    communication: children(p, 'languageCommunication').map((l) => ({ language: { coding: [{ system: 'urn:ietf:bcp:47', code: attr(l, 'languageCode', 'code') ?? 'fr-FR' }] } })),
    generalPractitioner,
  });
  if (!patient.name?.length) delete patient.name;
  const ins = ids.find((i) => INS.has(i.system?.replace('urn:oid:', '') ?? ''));
  const key = identifierKey(ins ?? ids[0]) ?? `${b.seed}|recordTarget`;
  return b.addShared(`Patient|${key}`, patient);
}

// ---- assignedAuthor / assignedEntity / associatedEntity → PractitionerRole (+ Practitioner, Organization)

export function organization(b: DocumentBuilder, org: CdaElement | undefined): Reference | undefined {
  if (!org || org.attrs.nullFlavor) return undefined;
  const ids = children(org, 'id').map(identifier).filter((i): i is Identifier => !!i);
  const name = text(org, 'name');
  const type = codeableConcept(child(org, 'standardIndustryClassCode') ?? child(org, 'code'), b.resolveText);
  const resource: Organization = compact({
    resourceType: 'Organization' as const,
    identifier: ids,
    name,
    type: type ? [type] : undefined,
    telecom: children(org, 'telecom').map(telecom).filter((t) => !!t),
    address: children(org, 'addr').map(address).filter((a) => !!a),
  });
  if (!ids.length && !name) return undefined;
  const idKey = identifierKey(ids.find((i) => i.value));
  return idKey ? b.addShared(`Organization|${idKey}`, resource) : b.add(`Organization|${name}`, resource);
}

/** A health professional in a role: returns the PractitionerRole (or a Device for an authoring device). */
export function practitionerRole(b: DocumentBuilder, entity: CdaElement | undefined, functionCode?: CdaElement): Reference | undefined {
  if (!entity || entity.attrs.nullFlavor) return undefined;
  const device = child(entity, 'assignedAuthoringDevice');
  if (device) {
    const name = text(device, 'softwareName') ?? text(device, 'manufacturerModelName') ?? 'Logiciel';
    const res: Device = { resourceType: 'Device', deviceName: [{ name, type: 'user-friendly-name' }], ...(text(device, 'manufacturerModelName') ? { modelNumber: text(device, 'manufacturerModelName') } : {}) };
    return b.add(`Device|${name}`, res);
  }
  const person = child(entity, 'assignedPerson') ?? child(entity, 'associatedPerson') ?? child(entity, 'playingEntity');
  const ids = children(entity, 'id').map(identifier).filter((i): i is Identifier => !!i && !!i.value);
  const orgRef = organization(b, child(entity, 'representedOrganization') ?? child(entity, 'scopingOrganization'));
  const name = humanName(child(person, 'name'));
  let practitioner: Reference | undefined;
  let practitionerKey = '';
  const idKey = identifierKey(ids.find((i) => i.type) ?? ids[0]);
  if (person || ids.length) {
    const res: Practitioner = compact({
      resourceType: 'Practitioner' as const,
      identifier: ids,
      name: name ? [name] : undefined,
      address: children(entity, 'addr').map(address).filter((a) => !!a),
    });
    if (idKey) {
      // One national id naming two different people stays two resources in the document, with a warning.
      const seen = b.namesById.has(idKey);
      const other = b.namesById.get(idKey);
      if (!seen) b.namesById.set(idKey, name?.family);
      if (seen && other !== name?.family) b.warn(`The identifier ${idKey} names two different people (${other} and ${name?.family}); they stay two Practitioner resources in the document, but the server keeps one person per identifier`, entity, 'warning', 'business-rule');
      practitionerKey = `Practitioner|${idKey}|${name?.family ?? ''}`;
      practitioner = b.addShared(practitionerKey, res);
    } else {
      practitionerKey = `Practitioner|${entity.xpath}`;
      practitioner = b.add(practitionerKey, res);
    }
  }
  const specialty = codeableConcept(child(entity, 'code'), b.resolveText);
  const fn = codeableConcept(functionCode, b.resolveText);
  if (!practitioner && !orgRef) return undefined;
  const role: PractitionerRole = compact({
    resourceType: 'PractitionerRole' as const,
    practitioner,
    organization: orgRef,
    code: fn ? [fn] : undefined,
    specialty: specialty ? [specialty] : undefined,
    telecom: children(entity, 'telecom').map(telecom).filter((t) => !!t),
  });
  const orgId = orgRef ? b.resolve(orgRef)?.id ?? '' : '';
  const key = `PractitionerRole|${practitionerKey}|${orgId}|${specialty?.coding?.[0]?.code ?? ''}|${fn?.coding?.[0]?.code ?? fn?.text ?? ''}`;
  // A role of an identified professional is shared across documents; otherwise it belongs to this one.
  return idKey ? b.addShared(key, role) : b.add(key, role);
}

// ---- componentOf/encompassingEncounter → Encounter

const PARTICIPATION = map.participationTypeSystem;

function participant(b: DocumentBuilder, typeCode: string | undefined, fn: CdaElement | undefined, entity: CdaElement | undefined, time?: CdaElement): EncounterParticipant | undefined {
  const individual = practitionerRole(b, entity, fn);
  if (!individual) return undefined;
  const fnCc = codeableConcept(fn, b.resolveText);
  return compact({
    type: [...(typeCode ? [{ coding: [{ system: PARTICIPATION, code: typeCode }] }] : []), ...(fnCc ? [fnCc] : [])],
    period: ivlTsToPeriod(time),
    individual,
  });
}

function convertEncounter(b: DocumentBuilder, doc: CdaElement, patient: Reference, opts: HeaderOptions): Reference | undefined {
  const enc = first(doc, 'componentOf/encompassingEncounter');
  if (!enc) return undefined;
  const code = child(enc, 'code');
  const cls = code?.attrs.codeSystem === '2.16.840.1.113883.5.4' ? coding(code) : undefined;
  const facility = first(enc, 'location/healthCareFacility');
  let location: Reference | undefined;
  if (facility) {
    const loc: Location = compact({
      resourceType: 'Location' as const,
      identifier: children(facility, 'id').map(identifier).filter((i): i is Identifier => !!i),
      name: text(facility, 'location/name'),
      type: codeableConcept(child(facility, 'code'), b.resolveText) ? [codeableConcept(child(facility, 'code'), b.resolveText)!] : undefined,
      address: address(first(facility, 'location/addr')),
      managingOrganization: organization(b, child(facility, 'serviceProviderOrganization')),
    });
    location = b.add('Location|encompassingEncounter', loc);
  }
  const participants: EncounterParticipant[] = [];
  const resp = first(enc, 'responsibleParty/assignedEntity');
  if (resp) {
    const p = participant(b, 'RESP', undefined, resp);
    if (p) participants.push(p);
  }
  for (const ep of children(enc, 'encounterParticipant')) {
    const p = participant(b, ep.attrs.typeCode, undefined, child(ep, 'assignedEntity'), child(ep, 'time'));
    if (p) participants.push(p);
  }
  for (const part of children(doc, 'participant')) {
    const p = participant(b, part.attrs.typeCode, child(part, 'functionCode'), child(part, 'associatedEntity'), child(part, 'time'));
    if (p) participants.push(p);
    else b.warn('A header participant without an identified person or organisation is not mapped', part, 'information');
  }
  const types = [
    ...(!cls && codeableConcept(code, b.resolveText) ? [codeableConcept(code, b.resolveText)!] : []),
    ...(opts.encounterTypeFromServiceEvent && codeableConcept(first(doc, 'documentationOf/serviceEvent/code')) ? [codeableConcept(first(doc, 'documentationOf/serviceEvent/code'), b.resolveText)!] : []),
  ];
  const orderIds = all(doc, 'inFulfillmentOf/order').map((o) => ({ o, id: identifier(child(o, 'id')) })).filter((x) => x.id);
  const encounter: Encounter = compact({
    resourceType: 'Encounter' as const,
    ...(opts.encounter ? { meta: { profile: [opts.encounter] } } : {}),
    identifier: children(enc, 'id').map(identifier).filter((i): i is Identifier => !!i),
    status: 'finished' as const,
    class: cls ?? { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK', display: 'unknown' },
    type: types,
    subject: patient,
    basedOn: orderIds.map(({ o, id }) => compact({ type: 'ServiceRequest', identifier: id!, display: b.resolveText(child(child(o, 'code'), 'originalText')) })),
    participant: participants,
    period: ivlTsToPeriod(child(enc, 'effectiveTime')),
    location: location ? [{ location }] : undefined,
    serviceProvider: organization(b, child(facility, 'serviceProviderOrganization')),
  });
  return b.add('Encounter|encompassingEncounter', encounter);
}

// ---- the Composition header

export function convertHeader(b: DocumentBuilder, doc: CdaElement, opts: HeaderOptions): Header {
  // The médecin traitant (participant INF/PCP) is the patient's general practitioner.
  const gp = children(doc, 'participant')
    .filter((p) => attr(p, 'functionCode', 'code') === map.generalPractitionerFunction)
    .map((p) => practitionerRole(b, child(p, 'associatedEntity'), child(p, 'functionCode')))
    .filter((r): r is Reference => !!r);
  const patient = convertPatient(b, doc, opts.patient, gp);
  const encounter = convertEncounter(b, doc, patient, opts);
  const authors = children(doc, 'author').map((a) => practitionerRole(b, child(a, 'assignedAuthor'), child(a, 'functionCode'))).filter((r): r is Reference => !!r);
  if (!authors.length) b.warn('No author could be mapped: Composition.author takes an unidentified author', doc, 'warning', 'required');
  const attester: CompositionAttester[] = [];
  const legal = child(doc, 'legalAuthenticator');
  if (legal) attester.push(compact({ mode: 'legal' as const, time: tsToDateTime(attr(legal, 'time', 'value')), party: practitionerRole(b, child(legal, 'assignedEntity')) }));
  for (const auth of children(doc, 'authenticator')) attester.push(compact({ mode: 'professional' as const, time: tsToDateTime(attr(auth, 'time', 'value')), party: practitionerRole(b, child(auth, 'assignedEntity')) }));
  const events: CompositionEvent[] = all(doc, 'documentationOf/serviceEvent').map((se) => {
    const performers = children(se, 'performer').map((p) => practitionerRole(b, child(p, 'assignedEntity'), child(p, 'functionCode'))).filter((r): r is Reference => !!r);
    const cc = codeableConcept(child(se, 'code'), b.resolveText);
    return compact({ code: cc ? [cc] : undefined, period: ivlTsToPeriod(child(se, 'effectiveTime')), detail: performers });
  }).filter((e) => Object.keys(e).length);
  const relatesTo: CompositionRelatesTo[] = children(doc, 'relatedDocument').flatMap((rd) => {
    const code = RELATES[rd.attrs.typeCode ?? ''];
    const target = identifier(first(rd, 'parentDocument/id'));
    if (!code || !target) {
      b.warn(`relatedDocument typeCode "${rd.attrs.typeCode ?? ''}" is not mapped`, rd, 'information');
      return [];
    }
    return [{ code, targetIdentifier: target }];
  });
  for (const ir of children(doc, 'informationRecipient')) b.warn('informationRecipient (intended recipient) has no place in the Composition; it is not kept', ir, 'information');
  for (const de of children(doc, 'dataEnterer')) b.warn('dataEnterer is not mapped', de, 'information');
  const setId = identifier(child(doc, 'setId'));
  const documentId = identifier(child(doc, 'id'));
  const versionRaw = attr(doc, 'versionNumber', 'value');
  const version = versionRaw !== undefined && /^\d+$/.test(versionRaw) ? Number(versionRaw) : undefined;
  const date = tsToDateTime(attr(doc, 'effectiveTime', 'value'));
  if (!date) b.warn('ClinicalDocument/effectiveTime is missing or not a valid date: Composition.date is left out', child(doc, 'effectiveTime') ?? doc, 'error', 'value');
  const type = codeableConcept(child(doc, 'code'), b.resolveText);
  const confidentiality = (map.confidentiality as Record<string, Composition['confidentiality']>)[attr(doc, 'confidentialityCode', 'code') ?? ''];
  const composition: Composition = compact({
    resourceType: 'Composition' as const,
    extension: version !== undefined ? [{ url: map.versionNumberExtension, valueString: String(version) }] : undefined,
    identifier: setId,
    status: legal && attr(legal, 'signatureCode', 'code') === 'S' ? ('final' as const) : ('preliminary' as const),
    type: type ?? { text: 'Type de document inconnu' },
    subject: patient,
    encounter,
    date: date ?? '',
    author: authors.length ? authors : [{ display: 'Auteur non identifié' }],
    title: text(doc, 'title') ?? type?.coding?.[0]?.display ?? 'Document',
    confidentiality,
    attester,
    custodian: organization(b, first(doc, 'custodian/assignedCustodian/representedCustodianOrganization')),
    relatesTo,
    event: events,
    language: attr(doc, 'languageCode', 'code'),
  });
  if (!composition.date) delete (composition as Partial<Composition>).date;
  return { composition, patient, encounter, documentId, setId, version };
}
