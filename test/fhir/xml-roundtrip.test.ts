import type { Resource } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { fromXml, toXml } from '../../src/fhir/xml/index.js';
import { hasSynthea, syntheaBundles, syntheaResources } from './corpus.js';

const roundTrip = (r: Resource) => fromXml(toXml(r));

describe.skipIf(!hasSynthea)('XML round-trip of the Synthea corpus', () => {
  const bundles = syntheaBundles();
  it.each(bundles.map(([f, b]) => [f, b] as const))('%s: every resource, and the bundle, survive JSON→XML→JSON', (_f, bundle) => {
    for (const r of syntheaResources(bundle)) expect(roundTrip(r)).toStrictEqual(r);
    expect(roundTrip(bundle)).toStrictEqual(bundle);
  });
});

const ext = (url: string, value: Record<string, unknown>) => ({ url, ...value });

const tricky: Array<[string, Record<string, unknown>]> = [
  [
    'primitive extensions and ids, with and without a value',
    {
      resourceType: 'Patient',
      id: 'p1',
      active: true,
      _active: { extension: [ext('http://x/a', { valueBoolean: false })] },
      _gender: { id: 'g', extension: [ext('http://hl7.org/fhir/StructureDefinition/data-absent-reason', { valueCode: 'unknown' })] },
      birthDate: '1970-03-30',
      _birthDate: { id: 'b1', extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthTime', { valueDateTime: '1970-03-30T14:35:45-05:00' })] },
    },
  ],
  [
    'null holes in primitive arrays aligned to their _ arrays',
    {
      resourceType: 'Patient',
      name: [
        { id: 'n1', family: 'Doe', given: ['A', null, 'C'], _given: [null, { extension: [ext('http://x/g', { valueString: 'b' })] }, { id: 'g3' }] },
        { _given: [{ extension: [ext('http://x/g', { valueInteger: 2 })] }], prefix: ['Dr'] },
      ],
    },
  ],
  [
    'narrative div with markup, entities, comments and non-ASCII text',
    {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml"><p class=\'a\'>Tom &amp; Jerry &lt;3 <b>été</b></p><!-- note --><br/><table><tr><td>1</td></tr></table></div>',
      },
    },
  ],
  [
    'contained resources, Bundle entries and Parameters resources, nested',
    {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:1',
          resource: {
            resourceType: 'MedicationRequest',
            contained: [{ resourceType: 'Medication', id: 'm', code: { text: 'aspirin' } }, { resourceType: 'Patient', id: 'p', active: false }],
            status: 'active',
            intent: 'order',
            medicationReference: { reference: '#m' },
            subject: { reference: '#p' },
          },
        },
        {
          resource: {
            resourceType: 'Parameters',
            parameter: [
              { name: 'r', resource: { resourceType: 'Patient', id: 'x' } },
              { name: 'p', part: [{ name: 'q', valueDecimal: 1.5 }, { name: 'r', part: [{ name: 's', valueBoolean: true }] }] },
            ],
          },
        },
      ],
    },
  ],
  [
    'choice types, decimals and integers as JSON numbers',
    {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] },
      effectivePeriod: { start: '2020-01-01', end: '2020-01-02T10:00:00Z' },
      valueQuantity: { value: 1.5, comparator: '<', unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
      component: [
        { code: { text: 'a' }, valueString: 'x' },
        { code: { text: 'b' }, valueInteger: -2147483648 },
        { code: { text: 'c' }, valueRange: { low: { value: 0.0001 }, high: { value: 1e21 } } },
        { code: { text: 'd' }, valueSampledData: { origin: { value: 0 }, period: 0.5, dimensions: 1, data: '1 2 3' } },
      ],
    },
  ],
  [
    'strings that need escaping',
    {
      resourceType: 'Patient',
      name: [{ text: 'a "quoted" <tag> & \'apos\'\nline 2\ttab\r\nCRLF  double  space ', family: '😀 emoji' }],
      identifier: [{ system: 'urn:oid:1.2.3', value: ' leading and trailing ' }],
    },
  ],
  [
    'modifier extensions, extensions on extensions, and primitive values inside extensions',
    {
      resourceType: 'Basic',
      modifierExtension: [ext('http://x/m', { valueCode: 'z' })],
      extension: [
        { id: 'e1', url: 'http://x/complex', extension: [ext('a', { valueString: 's', _valueString: { id: 'vs' } }), ext('b', { valuePeriod: { start: '2020' } })] },
      ],
      code: { text: 'basic' },
    },
  ],
  [
    'content references (Questionnaire.item.item) and positiveInt/unsignedInt',
    {
      resourceType: 'Questionnaire',
      status: 'draft',
      item: [{ linkId: '1', type: 'group', maxLength: 10, item: [{ linkId: '1.1', type: 'string', item: [{ linkId: '1.1.1', type: 'display' }] }] }],
    },
  ],
  ['a resource with only its type', { resourceType: 'Patient' }],
];

describe('XML round-trip of tricky cases', () => {
  it.each(tricky)('%s', (_name, r) => {
    const xml = toXml(r as unknown as Resource);
    expect(fromXml(xml)).toStrictEqual(r);
  });

  it('writes FHIR XML: namespace, attributes, order, wrapped resources, verbatim div', () => {
    const xml = toXml(tricky[0][1] as unknown as Resource, { declaration: false });
    expect(xml.startsWith('<Patient xmlns="http://hl7.org/fhir"><id value="p1"/>')).toBe(true);
    expect(xml).toContain('<active value="true"><extension url="http://x/a"><valueBoolean value="false"/></extension></active>');
    expect(xml).toContain('<gender id="g"><extension');
    expect(xml.indexOf('<gender')).toBeLessThan(xml.indexOf('<birthDate'));
    expect(xml).not.toContain('resourceType');
    const b = toXml(tricky[3][1] as unknown as Resource);
    expect(b).toContain('<contained><Medication><id value="m"/>');
    expect(b).toContain('<resource><Parameters>');
    const n = toXml(tricky[2][1] as unknown as Resource);
    expect(n).toContain((tricky[2][1].text as { div: string }).div);
    const s = toXml(tricky[5][1] as unknown as Resource);
    expect(s).toContain('value="a &quot;quoted&quot; &lt;tag&gt; &amp; \'apos\'&#xA;line 2&#x9;tab&#xD;&#xA;CRLF');
  });

  it('keeps JSON numbers as numbers; XML decimals are read as JSON numbers (1.50 → 1.5)', () => {
    const xml = '<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code><valueQuantity><value value="1.50"/></valueQuantity></Observation>';
    expect(fromXml(xml)).toStrictEqual({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 1.5 } });
  });

  it('reads XML written by others: comments, whitespace, xsi attributes, prefixed FHIR namespace, outer xhtml namespace', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<f:Patient xmlns:f="http://hl7.org/fhir" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir patient.xsd">
  <f:id value="x"/>
  <f:text>
    <f:status value="generated"/>
    <div xmlns="http://www.w3.org/1999/xhtml">hi</div>
  </f:text>
  <f:name>
    <f:given value="A"/> <!-- between -->
    <f:given value="B"/>
  </f:name>
</f:Patient>`;
    expect(fromXml(xml)).toStrictEqual({
      resourceType: 'Patient',
      id: 'x',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">hi</div>' },
      name: [{ given: ['A', 'B'] }],
    });
  });

  it('adds the XHTML namespace declaration to a div that inherited it', () => {
    const xml = '<f:Patient xmlns:f="http://hl7.org/fhir" xmlns="http://www.w3.org/1999/xhtml"><f:text><f:status value="generated"/><div class="c">a<br/></div></f:text></f:Patient>';
    expect((fromXml(xml) as unknown as { text: { div: string } }).text.div).toBe('<div xmlns="http://www.w3.org/1999/xhtml" class="c">a<br/></div>');
  });
});
