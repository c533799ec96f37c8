// Person traits from the document's Patient (fr-cancer-patient): the INS and its traits, as linkage needs
// them. Without a family name, a full birth date or a sex there is no person: linkage could not use it.
import type { Address, Extension, HumanName, Patient } from 'fhir/r4';
import mapping from './mapping.json' with { type: 'json' };
import { datePart, type DocumentView, type Located } from './document.js';
import type { ExtractedPerson } from './types.js';

const P = mapping.person;
const SEX = P.sex as Record<string, 'M' | 'F'>;

const ext = (exts: Extension[] | undefined, url: string): Extension | undefined => exts?.find((e) => e.url === url);
const clean = (s: string | undefined): string | undefined => (typeof s === 'string' && s.trim() ? s.trim().replace(/\s+/g, ' ') : undefined);

function insOf(pat: Located<Patient>, doc: DocumentView): string | undefined {
  const ids = (pat.res.identifier ?? []).map((id, i) => ({ id, i })).filter(({ id }) => P.insSystems.includes(id.system ?? '') && id.use !== 'old');
  for (const { id, i } of ids) {
    const value = id.value?.replace(/\s/g, '').toUpperCase();
    if (value && new RegExp(P.insPattern).test(value)) return value;
    doc.warn(`The INS ${id.value ?? '(no value)'} is not a NIR of 13 characters and its key; the person is kept without INS`, `${pat.path}.identifier[${i}].value`, 'value');
  }
  return undefined;
}

function names(pat: Located<Patient>, doc: DocumentView): Pick<ExtractedPerson, 'birthName' | 'usedName' | 'givenNames'> | undefined {
  const list = pat.res.name ?? [];
  const official = list.find((n) => n.use === 'official') ?? list.find((n) => n.use === 'maiden');
  const usual = list.find((n) => n.use === 'usual');
  const birth: HumanName | undefined = official ?? usual ?? list[0];
  const birthName = clean(birth?.family);
  if (!birthName) {
    doc.warn('The patient has no family name: no person record', `${pat.path}.name`, 'required');
    return undefined;
  }
  if (!official) doc.inform('The patient has no birth name (name.use official); the first family name is taken as birth name', `${pat.path}.name`);
  const listed = clean(ext(official?.extension, P.birthListGivenNameExtension)?.valueString);
  const givenNames = listed ? listed.split(' ') : (birth?.given ?? usual?.given ?? []).map(clean).filter((g): g is string => !!g);
  const usedName = clean(usual?.family);
  return { birthName, ...(usedName && usedName !== birthName ? { usedName } : {}), givenNames };
}

function birthplace(pat: Located<Patient>, doc: DocumentView): string | undefined {
  const i = (pat.res.extension ?? []).findIndex((e) => e.url === P.birthPlaceExtension);
  if (i < 0) return undefined;
  const code = ext(pat.res.extension![i].valueAddress?.extension, P.inseeCodeExtension)?.valueCoding?.code;
  if (code && new RegExp(P.inseePattern).test(code)) return code;
  doc.inform(code ? `Birth place code ${code} is not an INSEE commune code` : 'The birth place has no INSEE code (insee-code extension)', `${pat.path}.extension[${i}].value`);
  return undefined;
}

/** The home address (else the first one without a use 'old'). */
function residence(pat: Located<Patient>): Pick<ExtractedPerson, 'residenceCode' | 'postalCode'> {
  const list = (pat.res.address ?? []).filter((a) => a.use !== 'old' && a.type !== 'postal');
  const a: Address | undefined = list.find((x) => x.use === 'home') ?? list[0];
  const postalCode = clean(a?.postalCode);
  const insee = ext(a?.extension, P.inseeCodeExtension)?.valueCoding?.code;
  const residenceCode = insee && new RegExp(P.inseePattern).test(insee) ? insee : postalCode;
  return { ...(residenceCode ? { residenceCode } : {}), ...(postalCode ? { postalCode } : {}) };
}

export function extractPerson(pat: Located<Patient> | undefined, doc: DocumentView): ExtractedPerson | undefined {
  if (!pat) return undefined;
  const n = names(pat, doc);
  const rawBirth = pat.res.birthDate;
  const birthDate = datePart(rawBirth);
  if (rawBirth === undefined) doc.warn('The patient has no birth date: no person record', `${pat.path}.birthDate`, 'required');
  else if (!birthDate || birthDate.length !== 10) doc.warn(`The birth date ${String(rawBirth)} is not a full date (YYYY-MM-DD): no person record`, `${pat.path}.birthDate`, 'value');
  const sex = SEX[pat.res.gender ?? ''];
  if (!sex) doc.warn(`The patient's sex is ${pat.res.gender ?? 'absent'}, not male or female: no person record`, `${pat.path}.gender`, pat.res.gender ? 'value' : 'required');
  if (!n || !birthDate || birthDate.length !== 10 || !sex) return undefined;
  const ins = insOf(pat, doc);
  const birthplaceCode = birthplace(pat, doc);
  return { ...(ins ? { ins } : {}), ...n, birthDate, sex, ...(birthplaceCode ? { birthplaceCode } : {}), ...residence(pat) };
}
