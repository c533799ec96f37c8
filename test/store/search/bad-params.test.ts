// Malformed search requests: each answers 400 with the offending parameter as the issue location.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../../src/fhir/errors.js';
import type { Db } from '../../../src/store/db.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';
import { search } from './helper.js';

const e = encodeURIComponent;

/** [type, query, parameter named in the error, part of the message]. */
const BAD: [string | undefined, string, string, RegExp][] = [
  ['Patient', 'birthdate=2020-13-01', 'birthdate', /not a FHIR date/],
  ['Patient', 'birthdate=2021-02-30', 'birthdate', /not a valid date/],
  ['Patient', 'birthdate=yesterday', 'birthdate', /not a FHIR date/],
  ['Patient', 'birthdate=xx2020', 'birthdate', /not a FHIR date/],
  ['Patient', '_lastUpdated=gt2020-01-01T25:00:00Z', '_lastUpdated', /not a FHIR date/],
  ['RiskAssessment', 'probability=abc', 'probability', /not a number/],
  ['RiskAssessment', 'probability=gt', 'probability', /not a number/],
  ['RiskAssessment', 'probability=1,2x', 'probability', /not a number/],
  ['Observation', `value-quantity=${e('12|mg')}`, 'value-quantity', /number\[\|system\|code\]/],
  ['Observation', `value-quantity=${e('x||mg')}`, 'value-quantity', /not a number/],
  ['Observation', `code=${e('a|b|c')}`, 'code', /\[system\|\]code/],
  ['Observation', `code=${e('|')}`, 'code', /not a token/],
  ['Observation', `subject=${e('not a ref!')}`, 'subject', /neither an id/],
  ['Observation', 'subject:Organization=x', 'subject:Organization', /cannot refer to a Organization/],
  ['Observation', 'subject:Patient=Group/1', 'subject:Patient', /contradicts/],
  ['Patient', 'family:foo=x', 'family:foo', /modifier :foo is not supported on string/],
  ['Patient', 'gender:exact=female', 'gender:exact', /modifier :exact is not supported on token/],
  ['Patient', 'gender:in=http://x', 'gender:in', /modifier :in/],
  ['Patient', 'birthdate:exact=2000', 'birthdate:exact', /modifier :exact is not supported on date/],
  ['Patient', 'family:exact:contains=x', 'family:exact:contains', /only one modifier/],
  ['Patient', 'birthdate:missing=maybe', 'birthdate:missing', /true or false/],
  ['Patient', `identifier:of-type=${e('NH|111')}`, 'identifier:of-type', /type-system\|type-code\|value/],
  ['Observation', `code-value-quantity=${e('http://loinc.org|8480-6')}`, 'code-value-quantity', /2 components/],
  ['Observation', `code-value-quantity=${e('8480-6$abc')}`, 'code-value-quantity', /not a number/],
  ['Observation', 'subject.foo=x', 'subject.foo', /foo is not a search parameter/],
  ['Observation', 'status.name=x', 'status.name', /not a reference parameter/],
  ['Observation', 'subject:Patient.birthdate=notadate', 'subject:Patient.birthdate', /not a FHIR date/],
  ['Patient', '_has:Foo:subject:code=x', '_has:Foo:subject:code', /Foo is not a resource type/],
  ['Patient', '_has:Observation:code:code=x', '_has:Observation:code:code', /not a reference parameter/],
  ['Patient', '_has:Observation:subject:nosuch=x', '_has:Observation:subject:nosuch', /not a search parameter of Observation/],
  ['Patient', '_has:Observation=x', '_has:Observation', /_has:Type:reference:parameter/],
  ['Patient', '_id:exact=x', '_id:exact', /not supported on _id/],
  ['Patient', '_count=-1', '_count', /non-negative integer/],
  ['Patient', '_count=ten', '_count', /non-negative integer/],
  ['Patient', '_total=some', '_total', /none, estimate or accurate/],
  ['Patient', '_summary=short', '_summary', /_summary must be/],
  ['Patient', '_sort=nosuch', '_sort', /not a sortable/],
  ['Observation', '_sort=code-value-quantity', '_sort', /not a sortable/],
  ['Observation', '_include=Observation:nosuch', '_include', /not a reference parameter/],
  ['Observation', '_include=Patient:organization', '_include', /not the type searched/],
  ['Observation', '_include=Observation', '_include', /Type:parameter/],
  ['Observation', '_include:deep=Observation:subject', '_include:deep', /only modifier/],
  ['Observation', '_revinclude=Foo:subject', '_revinclude', /not a resource type/],
  ['Patient', '_type=Observation', '_type', /only allowed in a system-level search/],
  [undefined, '_type=Patient,Nope', '_type', /Nope is not a resource type/],
  [undefined, '_getpages=00000000-0000-0000-0000-000000000000&_offset=x', '_offset', /non-negative integer/],
];

describe.each(DB_KINDS)('bad search parameters on %s', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
  });
  afterAll(async () => db?.close());

  it.each(BAD)('%s?%s → 400 naming %s', async (type, qs, param, message) => {
    const err = await search(db, type, qs).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(FhirError);
    const f = err as FhirError;
    expect(f.status).toBe(400);
    expect(f.issues[0].expression).toEqual([param]);
    expect(f.message).toMatch(message);
  });

  it('a resource type that does not exist is rejected', async () => {
    await expect(search(db, 'Nope', 'x=1')).rejects.toMatchObject({ status: 400 });
  });
});
