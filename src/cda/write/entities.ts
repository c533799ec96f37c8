// FHIR PractitionerRole / Practitioner / Organization / Device → the CDA roles that name a health
// professional: assignedAuthor, assignedEntity, associatedEntity, with their person and organisation
// (RPPS/ADELI ids, FINESS/SIRET ids through the urn:oid: systems). The inverse of practitionerRole()
// and organization() in src/cda/to-fhir/header.ts.
import type { CodeableConcept, ContactPoint, Device, HumanName, Identifier, Organization, Practitioner, PractitionerRole, Reference } from 'fhir/r4';
import { ad, cd, ii, pn, tel } from './datatypes.js';
import type { Located, WriteContext } from './context.js';
import { el, type Attrs, type XElement } from './xml.js';
import { inValueSet } from '../validation/value-sets.js';
import headerTable from './header.json' with { type: 'json' };

const FUNCTION_CODES = headerTable.functionCodeValueSet;

export interface Professional {
  ids: { id: Identifier; path: string }[];
  name?: HumanName;
  specialty?: CodeableConcept;
  /** PractitionerRole.code: the function in this document (author/functionCode, participant/functionCode). */
  fn?: CodeableConcept;
  address: NonNullable<Practitioner['address']>;
  telecom: ContactPoint[];
  organization?: Located<Organization>;
  device?: Located<Device>;
  /** FHIRPath of the resource the role came from. */
  path: string;
}

/** Reads a PractitionerRole, Practitioner, Organization or Device reference. */
export function professional(ctx: WriteContext, ref: Reference | undefined, from: string): Professional | undefined {
  const loc = ctx.take(ref, from);
  if (!loc) {
    if (ref?.display) return { ids: [], name: { text: ref.display }, address: [], telecom: [], path: from };
    return undefined;
  }
  const r = loc.resource;
  if (r.resourceType === 'PractitionerRole') {
    const role = r as PractitionerRole;
    const pr = ctx.take<Practitioner>(role.practitioner, `${loc.path}.practitioner`);
    const org = ctx.take<Organization>(role.organization, `${loc.path}.organization`);
    // PractitionerRole.code is the function in this document (CDA functionCode) when it is one of
    // JDV_J47; a profession code there (TRE_G15) stands for the specialty when none is given.
    const code = role.code?.[0];
    const isFunction = !!code?.coding?.some((c) => c.code && inValueSet(FUNCTION_CODES, c.code));
    return {
      ids: (pr?.resource.identifier ?? []).map((id, i) => ({ id, path: `${pr!.path}.identifier[${i}]` })),
      name: pr?.resource.name?.[0],
      specialty: role.specialty?.[0] ?? (isFunction ? undefined : code),
      fn: isFunction || role.specialty?.length ? code : undefined,
      address: pr?.resource.address ?? [],
      telecom: role.telecom?.length ? role.telecom : pr?.resource.telecom ?? [],
      organization: org,
      path: loc.path,
    };
  }
  if (r.resourceType === 'Practitioner') {
    const pr = r as Practitioner;
    return { ids: (pr.identifier ?? []).map((id, i) => ({ id, path: `${loc.path}.identifier[${i}]` })), name: pr.name?.[0], address: pr.address ?? [], telecom: pr.telecom ?? [], path: loc.path, specialty: pr.qualification?.[0]?.code };
  }
  if (r.resourceType === 'Organization') {
    const org = r as Organization;
    return { ids: (org.identifier ?? []).map((id, i) => ({ id, path: `${loc.path}.identifier[${i}]` })), address: [], telecom: [], organization: loc as Located<Organization>, path: loc.path };
  }
  if (r.resourceType === 'Device') return { ids: [], address: [], telecom: [], device: loc as Located<Device>, path: loc.path };
  ctx.warn(`A ${r.resourceType} cannot be a CDA health professional; it is left out`, from);
  return undefined;
}

/** An organisation as CDA Organization (representedOrganization, scopingOrganization, serviceProviderOrganization). */
export function organizationEl(ctx: WriteContext, name: string, org: Located<Organization> | undefined): XElement | undefined {
  if (!org) return undefined;
  const o = org.resource;
  return el(name, {},
    (o.identifier ?? []).map((id, i) => ii('id', id, `${org.path}.identifier[${i}]`, ctx.warn)),
    o.name ? el('name', {}, o.name) : undefined,
    (o.telecom ?? []).map((t) => tel('telecom', t)),
    (o.address ?? []).map((a) => ad('addr', a)),
    o.type?.[0] ? cd('standardIndustryClassCode', o.type[0], { path: `${org.path}.type[0]`, warn: ctx.warn }) : undefined,
  );
}

/** The CDA ids of a professional: at least one (nullFlavor UNK when FHIR has none usable). */
function ids(ctx: WriteContext, p: Professional): XElement[] {
  const out = p.ids.map(({ id, path }) => ii('id', id, path, ctx.warn)).filter((x): x is XElement => !!x);
  return out.length ? out : [el('id', { nullFlavor: 'UNK' })];
}

export interface RoleNames {
  /** Element of the role: assignedAuthor, assignedEntity, associatedEntity. */
  role: string;
  /** Element of the person: assignedPerson, associatedPerson. */
  person: string;
  /** Element of the organisation: representedOrganization, scopingOrganization. */
  organization: string;
  attrs?: Attrs;
}

/** A professional as a CDA role (ids, specialty code, address, telecom, person name, organisation). */
export function roleEl(ctx: WriteContext, p: Professional, names: RoleNames): XElement {
  if (p.device) {
    const d = p.device.resource;
    const n = d.deviceName?.[0]?.name ?? 'Logiciel';
    return el(names.role, names.attrs ?? {}, el('id', { nullFlavor: 'UNK' }),
      el('assignedAuthoringDevice', {}, d.modelNumber ? el('manufacturerModelName', {}, d.modelNumber) : undefined, el('softwareName', {}, n)));
  }
  const person = p.name ? pn('name', p.name) : undefined;
  return el(names.role, names.attrs ?? {},
    ids(ctx, p),
    p.specialty ? cd('code', p.specialty, { path: `${p.path}.specialty[0]`, warn: ctx.warn }) : undefined,
    p.address.map((a) => ad('addr', a)),
    p.telecom.map((t) => tel('telecom', t)),
    person ? el(names.person, {}, person) : undefined,
    organizationEl(ctx, names.organization, p.organization),
  );
}
