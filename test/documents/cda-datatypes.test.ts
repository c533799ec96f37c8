// HL7 v3 data types and CDA narrative blocks → FHIR: tables of values, bad ones included.
import { describe, expect, it } from 'vitest';
import { parseCda } from '../../src/cda/dom.js';
import { codeableConcept, systemUri, systemOid } from '../../src/cda/to-fhir/codes.js';
import { address, identifier, ivlTsToPeriod, quantity, telecom, tsToDate, tsToDateTime, tsToInstant, value } from '../../src/cda/to-fhir/datatypes.js';
import { narrativeDiv } from '../../src/cda/to-fhir/narrative.js';
import { checkNarrativeXhtml } from '../../src/validation/narrative.js';

const el = (xml: string) => parseCda(xml.replace(/^<(\w+)/, '<$1 xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'));
const noText = () => undefined;

describe('TS → FHIR date/dateTime, keeping the precision', () => {
  it.each([
    ['2019', '2019'],
    ['201902', '2019-02'],
    ['20190218', '2019-02-18'],
    ['20190218094914+0100', '2019-02-18T09:49:14+01:00'],
    ['201901151130+0100', '2019-01-15T11:30:00+01:00'],
    ['2019021809+0000', '2019-02-18T09:00:00+00:00'],
    ['20190218094914.123-0500', '2019-02-18T09:49:14.123-05:00'],
    // No zone: a French local time (CET in winter, CEST in summer).
    ['20210103152936', '2021-01-03T15:29:36+01:00'],
    ['20210703152936', '2021-07-03T15:29:36+02:00'],
  ])('%s → %s', (ts, fhir) => expect(tsToDateTime(ts)).toBe(fhir));

  it.each([['2019-02-18'], ['20191301'], ['20190230'], ['20190218250000+0100'], ['20190218106000'], ['2019021809491'], ['abc'], [''], ['20190218094914+2500']])(
    'rejects %j',
    (ts) => expect(tsToDateTime(ts)).toBeUndefined(),
  );

  it('gives dates for date elements and full instants for instant elements', () => {
    expect(tsToDate('19790328')).toBe('1979-03-28');
    expect(tsToDate('19790328101500+0100')).toBe('1979-03-28');
    expect(tsToInstant('20190218')).toBe('2019-02-18T00:00:00+01:00');
    expect(tsToInstant('20190218094914+0100')).toBe('2019-02-18T09:49:14+01:00');
  });

  it('reads IVL_TS as a Period and ignores null flavours', () => {
    expect(ivlTsToPeriod(el('<effectiveTime><low value="20190220"/><high value="20190820"/></effectiveTime>'))).toEqual({ start: '2019-02-20', end: '2019-08-20' });
    expect(ivlTsToPeriod(el('<effectiveTime value="20190220"/>'))).toEqual({ start: '2019-02-20' });
    expect(ivlTsToPeriod(el('<effectiveTime nullFlavor="UNK"/>'))).toBeUndefined();
    expect(ivlTsToPeriod(el('<effectiveTime><low nullFlavor="UNK"/></effectiveTime>'))).toBeUndefined();
  });
});

describe('II → Identifier', () => {
  it.each([
    ['<id root="1.2.250.1.213.1.4.8" extension="277076322082910"/>', { use: 'official', system: 'urn:oid:1.2.250.1.213.1.4.8', value: '277076322082910' }],
    ['<id root="1.2.250.1.71.4.2.1" extension="801234567897"/>', { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '801234567897' }],
    ['<id root="1.2.250.1.213.1.1.9"/>', { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.213.1.1.9' }],
    ['<id root="2CE71A5B-FD99-4958-ADE4-CA39E86625ED"/>', { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:2ce71a5b-fd99-4958-ade4-ca39e86625ed' }],
  ])('%s', (xml, expected) => expect(identifier(el(xml))).toMatchObject(expected));

  it('gives no identifier for a null flavour or a missing root', () => {
    expect(identifier(el('<id nullFlavor="UNK"/>'))).toBeUndefined();
    expect(identifier(el('<id extension="12"/>'))).toBeUndefined();
  });

  it('types the INS with the FR Core identifier type', () => {
    expect(identifier(el('<id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>'))?.type?.coding?.[0].code).toBe('INS-NIR-TEST');
  });
});

describe('CD → CodeableConcept, OIDs → URIs', () => {
  it.each([
    ['2.16.840.1.113883.6.1', 'http://loinc.org'],
    ['2.16.840.1.113883.6.96', 'http://snomed.info/sct'],
    ['2.16.840.1.113883.6.3', 'http://hl7.org/fhir/sid/icd-10'],
    ['2.16.840.1.113883.6.43.1', 'http://terminology.hl7.org/CodeSystem/icd-o-3'],
    ['1.2.250.1.213.1.1.4.322', 'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis'],
    ['1.2.250.1.213.2.5', 'urn:oid:1.2.250.1.213.2.5'],
  ])('%s → %s and back', (oid, uri) => {
    expect(systemUri(oid)).toBe(uri);
    expect(systemOid(uri)).toBe(oid);
  });

  it('keeps translations and resolves the originalText reference in the narrative', () => {
    const doc = el('<section><text><content ID="t1">Tumeur du sein droit</content></text><value xsi:type="CD" code="C50.2" codeSystem="2.16.840.1.113883.6.3" displayName="Sein"><originalText><reference value="#t1"/></originalText><translation code="C50.2" codeSystem="2.16.840.1.113883.6.43.1"/></value></section>');
    const resolve = (e: ReturnType<typeof el> | undefined) => (e?.children[0]?.attrs.value === '#t1' ? 'Tumeur du sein droit' : undefined);
    const cc = codeableConcept(doc.children[1], resolve);
    expect(cc).toEqual({ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C50.2', display: 'Sein' }, { system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: 'C50.2' }], text: 'Tumeur du sein droit' });
  });

  it('gives nothing for a null flavour without text', () => {
    expect(codeableConcept(el('<value nullFlavor="NA"/>'), noText)).toBeUndefined();
  });
});

describe('ANY → value[x]', () => {
  it.each([
    ['<value xsi:type="PQ" value="70" unit="kg"/>', { valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } }],
    ['<value xsi:type="PQ" value="50"/>', { valueQuantity: { value: 50 } }],
    ['<value xsi:type="REAL" value="10"/>', { valueQuantity: { value: 10 } }],
    ['<value xsi:type="INT" value="3"/>', { valueInteger: 3 }],
    ['<value xsi:type="BL" value="false"/>', { valueBoolean: false }],
    ['<value xsi:type="ST">c.2573T&gt;G</value>', { valueString: 'c.2573T>G' }],
    ['<value xsi:type="TS" value="20210110"/>', { valueDateTime: '2021-01-10' }],
    ['<value xsi:type="IVL_PQ"><low value="1" unit="cm"/><high value="2" unit="cm"/></value>', { valueRange: { low: { value: 1, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' }, high: { value: 2, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' } } }],
    ['<value xsi:type="INT" value="x"/>', {}],
    ['<value xsi:type="BL" value="yes"/>', {}],
    ['<value xsi:type="PQ" value="abc" unit="kg"/>', {}],
    ['<value xsi:type="CD" nullFlavor="NA"/>', {}],
  ])('%s', (xml, expected) => expect(value(el(xml), noText)).toEqual(expected));

  it('reads quantities, addresses and telecoms', () => {
    expect(quantity(el('<value value="NaN"/>'))).toBeUndefined();
    expect(address(el('<addr use="H"><houseNumber>28</houseNumber><streetName>Avenue de Breteuil</streetName><postalCode>75007</postalCode><city>PARIS</city></addr>'))).toEqual({ use: 'home', line: ['28 Avenue de Breteuil'], postalCode: '75007', city: 'PARIS' });
    expect(address(el('<addr nullFlavor="NAV"/>'))).toBeUndefined();
    expect(telecom(el('<telecom value="tel:0144534551" use="H"/>'))).toEqual({ system: 'phone', value: '0144534551', use: 'home' });
    expect(telecom(el('<telecom value="mailto:a@b.fr"/>'))).toEqual({ system: 'email', value: 'a@b.fr' });
    expect(telecom(el('<telecom value="fax:0101" use="WP"/>'))).toEqual({ system: 'fax', value: '0101', use: 'work' });
    expect(telecom(el('<telecom nullFlavor="MSK"/>'))).toBeUndefined();
  });
});

describe('CDA narrative → FHIR XHTML', () => {
  const div = (inner: string) => narrativeDiv(el(`<text>${inner}</text>`));
  it.each([
    ['<paragraph>Un <content styleCode="Bold">cancer</content> du sein.</paragraph>', '<p>Un <span style="font-weight:bold">cancer</span> du sein.</p>'],
    ['ligne 1<br/>ligne 2', 'ligne 1<br/>ligne 2'],
    ['<list listType="ordered"><item>a</item><item>b</item></list>', '<ol><li>a</li><li>b</li></ol>'],
    ['<list><item>a</item></list>', '<ul><li>a</li></ul>'],
    ['<table border="1"><thead><tr><th colspan="2">T</th></tr></thead><tbody><tr><td ID="x1">1</td><td>2</td></tr></tbody></table>', '<table border="1"><thead><tr><th colspan="2">T</th></tr></thead><tbody><tr><td id="x1">1</td><td>2</td></tr></tbody></table>'],
    ['<content ID="c1">a &lt; b &amp; c</content>', '<span id="c1">a &lt; b &amp; c</span>'],
    ['<linkHtml href="https://esante.gouv.fr">lien</linkHtml>', '<a href="https://esante.gouv.fr">lien</a>'],
    ['H<sub>2</sub>O', 'H<sub>2</sub>O'],
    // Unsafe content never survives: scripts, event attributes, javascript: links, unknown markup.
    ['<linkHtml href="javascript:alert(1)">x</linkHtml>', '<a>x</a>'],
    ['<content onclick="alert(1)" styleCode="Evil">x</content>', '<span>x</span>'],
    ['<script>alert(1)</script>', '<span>alert(1)</span>'],
    ['<td align="left&quot; onmouseover=&quot;x">y</td>', '<td>y</td>'],
    ['<renderMultiMedia referencedObject="img1"/>', '<span>[média img1]</span>'],
  ])('%s', (cda, xhtml) => {
    const out = div(cda);
    expect(out).toBe(`<div xmlns="http://www.w3.org/1999/xhtml">${xhtml}</div>`);
    expect(checkNarrativeXhtml(out!, 'Composition.section.text.div').filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('gives no narrative for an empty or blank text', () => {
    expect(div('')).toBeUndefined();
    expect(div('<paragraph> </paragraph>')).toBeUndefined();
    expect(narrativeDiv(undefined)).toBeUndefined();
  });
});
