import { describe, expect, it } from 'vitest';
import { FhirError } from '../../src/fhir/errors.js';
import { fromXml, toXml } from '../../src/fhir/xml/index.js';

const NS = 'xmlns="http://hl7.org/fhir"';
const pat = (body: string) => `<Patient ${NS}>${body}</Patient>`;
const obs = (body: string) => `<Observation ${NS}><status value="final"/><code><text value="x"/></code>${body}</Observation>`;

function errorOf(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FhirError) return e;
    throw e;
  }
  throw new Error('expected a FhirError');
}

// [case, xml, expected FHIRPath location, fragment of the message]
const bad: Array<[string, string, string, RegExp]> = [
  ['empty input', '', 'Resource', /No resource|Malformed/],
  ['not XML', '{"resourceType":"Patient"}', 'Resource', /Malformed XML/],
  ['unclosed element', pat('<id value="1">'), 'Patient.id', /Malformed XML/],
  ['mismatched tags', `<Patient ${NS}><name></Patient>`, 'Patient.name[0]', /Malformed XML/],
  ['two root elements', `<Patient ${NS}/><Patient ${NS}/>`, 'Resource', /Malformed XML/],
  ['no namespace', '<Patient><id value="1"/></Patient>', 'Patient', /namespace/],
  ['wrong namespace', '<Patient xmlns="http://hl7.org/fhir/r4"/>', 'Patient', /namespace/],
  ['child in another namespace', pat('<x:id xmlns:x="urn:x" value="1"/>'), 'Patient.id', /not in the FHIR namespace/],
  ['unknown resource type', `<Patients ${NS}/>`, 'Patients', /Unknown resource type/],
  ['unknown element', pat('<foo value="x"/>'), 'Patient.foo', /Unknown element 'foo'/],
  ['unknown nested element', pat('<name><family value="a"/><nick value="b"/></name>'), 'Patient.name[0].nick', /Unknown element/],
  ['choice name without type', obs('<value value="1"/>'), 'Observation.value', /Unknown element/],
  ['resourceType as an element', pat('<resourceType value="Patient"/>'), 'Patient.resourceType', /Unknown element/],
  ['xmlAttr element written as element', pat('<extension><url value="http://x"/></extension>'), 'Patient.extension[0].url', /Unknown element/],
  ['bad boolean', pat('<active value="yes"/>'), 'Patient.active', /not a valid boolean/],
  ['bad date', pat('<birthDate value="1990-13-01"/>'), 'Patient.birthDate', /not a valid date/],
  ['empty string in an array', pat('<name><given value="a"/><given value=""/></name>'), 'Patient.name[0].given[1]', /not a valid string/],
  ['bad code with spaces', pat('<gender value="  male"/>'), 'Patient.gender', /not a valid code/],
  ['bad id', pat('<id value="a b"/>'), 'Patient.id', /not a valid id/],
  ['integer out of range', obs('<valueInteger value="2147483648"/>'), 'Observation.valueInteger', /out of range/],
  ['integer with a fraction', obs('<valueInteger value="1.0"/>'), 'Observation.valueInteger', /not a valid integer/],
  ['decimal with a comma', obs('<valueQuantity><value value="1,5"/></valueQuantity>'), 'Observation.valueQuantity.value', /not a valid decimal/],
  ['decimal Infinity', obs('<valueQuantity><value value="Infinity"/></valueQuantity>'), 'Observation.valueQuantity.value', /not a valid decimal/],
  ['hex integer', obs('<valueInteger value="0x10"/>'), 'Observation.valueInteger', /not a valid integer/],
  ['positiveInt zero', obs('<valueSampledData><origin><value value="0"/></origin><period value="1"/><dimensions value="0"/></valueSampledData>'), 'Observation.valueSampledData.dimensions', /not a valid positiveInt/],
  ['unsignedInt negative', `<Bundle ${NS}><type value="searchset"/><total value="-1"/></Bundle>`, 'Bundle.total', /not a valid unsignedInt/],
  ['bad element id attribute', pat('<name id=""><family value="a"/></name>'), 'Patient.name[0].id', /not a valid string/],
  ['repeated single element', pat('<birthDate value="2000"/><birthDate value="2001"/>'), 'Patient.birthDate', /cannot repeat/],
  ['two choice types', obs('<valueString value="a"/><valueBoolean value="true"/>'), 'Observation.valueBoolean', /Only one of valueString and valueBoolean/],
  ['text inside a FHIR element', pat('<active value="true">yes</active>'), 'Patient.active', /Unexpected text/],
  ['CDATA inside a FHIR element', pat('<name><![CDATA[x]]></name>'), 'Patient.name[0]', /CDATA/],
  ['unknown attribute', pat('<active value="true" foo="1"/>'), 'Patient.active', /Unknown attribute 'foo'/],
  ['value attribute on a complex element', pat('<name value="x"/>'), 'Patient.name[0]', /Unknown attribute 'value'/],
  ['attribute on the resource element', `<Patient ${NS} id="x"/>`, 'Patient', /Unknown attribute 'id'/],
  ['primitive without value or extension', pat('<active/>'), 'Patient.active', /needs a value/],
  ['empty complex element', pat('<name/>'), 'Patient.name[0]', /must have content/],
  ['div outside the XHTML namespace', pat('<text><status value="generated"/><div>hi</div></text>'), 'Patient.text.div', /XHTML namespace/],
  ['non-extension child of a primitive', pat('<active value="true"><id value="x"/></active>'), 'Patient.active.id', /Unknown element/],
  ['empty contained', pat('<contained/>'), 'Patient.contained[0]', /must contain a resource/],
  ['two resources in one contained', pat(`<contained><Patient/><Patient/></contained>`), 'Patient.contained[0]', /single resource/],
  ['bad value inside a contained resource', pat('<contained><Observation><status value="final "/></Observation></contained>'), 'Patient.contained[0].status', /not a valid code/],
  ['bad value inside a Bundle entry', `<Bundle ${NS}><type value="collection"/><entry><resource><Patient><active value="1"/></Patient></resource></entry></Bundle>`, 'Bundle.entry[0].resource.active', /boolean/],
  ['bad value inside a primitive extension', pat('<active value="true"><extension url="http://x"><valueDate value="2020-02-30x"/></extension></active>'), 'Patient.active.extension[0].valueDate', /not a valid date/],
  ['undefined entity', pat('<name><family value="&eacute;"/></name>'), 'Patient.name[0].family', /Malformed XML/],
  ['DOCTYPE with an external entity (XXE)', `<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Patient ${NS}><name><family value="&xxe;"/></name></Patient>`, 'Resource', /DOCTYPE/],
  ['DOCTYPE with entity expansion (billion laughs)', `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Patient ${NS}/>`, 'Resource', /DOCTYPE/],
  ['control character reference', pat('<name><family value="a&#x1;b"/></name>'), 'Patient.name[0].family', /Malformed XML/],
];

describe('fromXml rejects bad input with a 400 and a FHIRPath location', () => {
  it.each(bad)('%s', (_case, xml, location, message) => {
    const err = errorOf(() => fromXml(xml));
    expect(err.status).toBe(400);
    expect(err.issues[0].expression).toEqual([location]);
    expect(err.issues[0].diagnostics).toMatch(message);
  });
});

describe('toXml refuses JSON that has no FHIR XML form', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['unknown resourceType', { resourceType: 'Nope' }, 'Resource'],
    ['unknown property', { resourceType: 'Patient', nickname: 'x' }, 'Patient.nickname'],
    ['_ on a complex element', { resourceType: 'Patient', _name: [{}] }, 'Patient._name'],
    ['primitive extensions on an element id', { resourceType: 'Patient', name: [{ id: 'a', _id: { extension: [] } }] }, 'Patient.name[0]._id'],
    ['object where a primitive goes', { resourceType: 'Patient', gender: { code: 'x' } }, 'Patient.gender'],
    ['narrative that is not a div', { resourceType: 'Patient', text: { status: 'generated', div: '<p>x</p>' } }, 'Patient.text.div'],
    ['contained without resourceType', { resourceType: 'Patient', contained: [{ id: 'x' }] }, 'Patient.contained[0]'],
    ['control character in a string', { resourceType: 'Patient', name: [{ family: 'a\u0001b' }] }, 'Patient.name[0].family'],
    ['array expected', { resourceType: 'Patient', name: { family: 'x' } }, 'Patient.name'],
  ];
  it.each(cases)('%s', (_case, json, location) => {
    const err = errorOf(() => toXml(json as never));
    expect(err.status).toBe(400);
    expect(err.issues[0].expression).toEqual([location]);
  });
});
