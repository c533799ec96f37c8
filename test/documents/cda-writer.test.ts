// The CDA writer's building blocks (src/cda/write): XML escaping and layout, HL7 v3 data types from
// FHIR ones (TS at the FHIR precision, CD with OIDs from the shared table, II, TEL, PQ), and FHIR
// narrative XHTML → CDA narrative block, which must satisfy NarrativeBlock.xsd whatever the XHTML.
import { describe, expect, it } from 'vitest';
import { cd, ii, iiAttrs, pq, tel, ts, value } from '../../src/cda/write/datatypes.js';
import { narrativeBlock } from '../../src/cda/write/narrative.js';
import { el, serialize } from '../../src/cda/write/xml.js';
import type { XNode } from '../../src/cda/write/xml.js';

/** An element tree as compact XML without layout, for readable expectations. */
const flat = (n: XNode): string => {
  if (typeof n === 'string') return n;
  const attrs = Object.entries(n.attrs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${v}"`).join('');
  return n.children.length ? `<${n.name}${attrs}>${n.children.map(flat).join('')}</${n.name}>` : `<${n.name}${attrs}/>`;
};

describe('the CDA XML writer', () => {
  it('escapes text and attributes, drops characters XML 1.0 cannot carry, and declares the HL7 v3 and xsi namespaces', () => {
    const stats = { dropped: 0 };
    const xml = serialize(el('ClinicalDocument', {}, el('title', {}, 'a < b & c > d\u0001'), el('code', { displayName: 'say "hi"\n' })), stats);
    expect(xml).toContain('<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">');
    expect(xml).toContain('<title>a &lt; b &amp; c &gt; d</title>');
    expect(xml).toContain('displayName="say &quot;hi&quot;&#xA;"');
    expect(stats.dropped).toBe(1);
  });

  it('keeps attribute order as given, leaves out undefined attributes and writes mixed content inline', () => {
    const xml = serialize(el('ClinicalDocument', {}, el('observation', { classCode: 'OBS', moodCode: 'EVN', negationInd: undefined }), el('text', {}, 'x ', el('content', { styleCode: 'Bold' }, 'y'), ' z')));
    expect(xml).toContain('<observation classCode="OBS" moodCode="EVN"/>');
    expect(xml).toContain('<text>x <content styleCode="Bold">y</content> z</text>');
  });
});

describe('FHIR data types → HL7 v3 data types', () => {
  it.each([
    ['2025', '2025'],
    ['2025-03', '202503'],
    ['2025-03-14', '20250314'],
    ['2025-03-14T17:05:00+01:00', '20250314170500+0100'],
    ['2025-03-14T16:05:00Z', '20250314160500+0000'],
    ['2025-03-14T17:05:00.250-04:00', '20250314170500.250-0400'],
    ['14/03/2025', undefined],
    [undefined, undefined],
  ])('TS of %s is %s (same precision)', (fhir, cdaTs) => {
    expect(ts(fhir)).toBe(cdaTs);
  });

  it.each([
    [{ system: 'urn:oid:1.2.250.1.213.1.4.10', value: '279035121518989' }, { root: '1.2.250.1.213.1.4.10', extension: '279035121518989' }],
    [{ system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.213.1.1.9' }, { root: '1.2.250.1.213.1.1.9' }],
    [{ system: 'urn:ietf:rfc:3986', value: 'urn:uuid:2ce71a5b-fd99-4958-ade4-ca39e86625ed' }, { root: '2CE71A5B-FD99-4958-ADE4-CA39E86625ED' }],
    [{ system: 'https://example.org/ids', value: '42' }, undefined],
    [{ system: 'urn:oid:not-an-oid', value: '42' }, undefined],
  ])('II of %j', (id, attrs) => {
    expect(iiAttrs(id)).toEqual(attrs);
  });

  it('warns with the FHIRPath when an identifier has no II form', () => {
    const warnings: string[] = [];
    expect(ii('id', { system: 'https://example.org/ids', value: '42' }, 'Patient.identifier[1]', (_m, p) => void warnings.push(p))).toBeUndefined();
    expect(warnings).toEqual(['Patient.identifier[1]']);
  });

  it('writes a CD with the OID of the shared code-system table, translations and originalText', () => {
    const x = cd('code', { coding: [{ system: 'http://loinc.org', code: '18776-5', display: 'Plan de soins' }, { system: 'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis', code: 'MED-566' }], text: 'Programme thérapeutique' });
    expect(flat(x)).toBe('<code code="18776-5" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Plan de soins"><originalText>Programme thérapeutique</originalText><translation code="MED-566" codeSystem="1.2.250.1.213.1.1.4.322" codeSystemName="TA_ASIP / TerminologieCISIS"/></code>');
  });

  it.each([
    [{ coding: [{ system: 'urn:oid:2.16.840.1.113883.15.6', code: 'T2' }] }, '<value xsi:type="CD" code="T2" codeSystem="2.16.840.1.113883.15.6"/>'],
    [{ coding: [{ system: 'http://example.org/x', code: 'A' }], text: 'Texte A' }, '<value xsi:type="CD" nullFlavor="OTH"><originalText>Texte A</originalText></value>'],
    [{ text: 'Seulement du texte' }, '<value xsi:type="CD" nullFlavor="OTH"><originalText>Seulement du texte</originalText></value>'],
    [{}, '<value xsi:type="CD" nullFlavor="UNK"/>'],
  ])('a concept without a usable code keeps its text: %j', (concept, expected) => {
    expect(flat(cd('value', concept, { xsiType: 'CD' }))).toBe(expected);
  });

  it.each([
    [{ valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } }, '<value xsi:type="PQ" value="70" unit="kg"/>'],
    [{ valueQuantity: { value: 10 } }, '<value xsi:type="REAL" value="10"/>'],
    [{ valueBoolean: false }, '<value xsi:type="BL" value="false"/>'],
    [{ valueInteger: 3 }, '<value xsi:type="INT" value="3"/>'],
    [{ valueString: 'c.2573T>G' }, '<value xsi:type="ST">c.2573T>G</value>'],
    [{ valueDateTime: '2021-01-10' }, '<value xsi:type="TS" value="20210110"/>'],
    [{ valuePeriod: { start: '2025-04-14', end: '2025-05-30' } }, '<value xsi:type="IVL_TS"><low value="20250414"/><high value="20250530"/></value>'],
    [{ valueRange: { low: { value: 1, unit: 'cm' }, high: { value: 2, unit: 'cm' } } }, '<value xsi:type="IVL_PQ"><low value="1" unit="cm"/><high value="2" unit="cm"/></value>'],
  ])('value[x] %j', (v, expected) => {
    expect(flat(value(v)!)).toBe(expected);
  });

  it.each([
    [{ system: 'phone' as const, value: '+33 6 00 00 00 01', use: 'mobile' as const }, { value: 'tel:+33600000001', use: 'MC' }],
    [{ system: 'email' as const, value: 'dr@example.org', use: 'work' as const }, { value: 'mailto:dr@example.org', use: 'WP' }],
    [{ system: 'url' as const, value: 'https://example.org' }, { value: 'https://example.org', use: undefined }],
  ])('TEL of %j', (c, attrs) => {
    expect(tel('telecom', c)!.attrs).toEqual(attrs);
  });

  it('PQ takes the UCUM code as unit', () => {
    expect(pq('value', { value: 5, unit: 'millimètres', system: 'http://unitsofmeasure.org', code: 'mm' })!.attrs).toEqual({ value: '5', unit: 'mm' });
  });
});

describe('FHIR narrative XHTML → CDA narrative block', () => {
  const X = (inner: string) => `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>`;
  const convert = (inner: string, ids = new Set<string>()) => {
    const warnings: string[] = [];
    const t = narrativeBlock(X(inner), { ids, warn: (m) => void warnings.push(m), path: 'Composition.section[0].text.div' });
    return { text: t ? flat(t) : undefined, warnings };
  };

  it.each([
    ['paragraphs and line breaks', '<p>Un<br/>deux</p>', '<text><paragraph>Un<br/>deux</paragraph></text>'],
    ['bullet and numbered lists', '<ul><li>a</li></ul><ol><li>b</li></ol>', '<text><list><item>a</item></list><list listType="ordered"><item>b</item></list></text>'],
    ['bold, italics and underline', '<p><b>B</b> <i>I</i> <u>U</u></p>', '<text><paragraph><content styleCode="Bold">B</content> <content styleCode="Italics">I</content> <content styleCode="Underline">U</content></paragraph></text>'],
    ['inline styles as styleCodes', '<span style="font-weight: bold; font-style:italic">x</span>', '<text><content styleCode="Bold Italics">x</content></text>'],
    ['a table without tbody (CDA requires one)', '<table><tr><td>1</td></tr></table>', '<text><table><tbody><tr><td>1</td></tr></tbody></table></text>'],
    ['a table with only a header row', '<table><thead><tr><th>h</th></tr></thead></table>', '<text><table><tbody><tr><th>h</th></tr></tbody></table></text>'],
    ['a table inside a cell (flattened: CDA cells hold no table)', '<table><tbody><tr><td><table><tbody><tr><td>in</td></tr></tbody></table></td></tr></tbody></table>', '<text><table><tbody><tr><td> in </td></tr></tbody></table></text>'],
    ['a list inside a paragraph (flattened)', '<p>x<ul><li>y</li></ul></p>', '<text><paragraph>x y </paragraph></text>'],
    ['headings as bold paragraphs', '<h2>Titre</h2>', '<text><paragraph><content styleCode="Bold">Titre</content></paragraph></text>'],
    ['divs lifted, unknown elements flattened to text', '<div><p>a</p></div><section><code>b</code></section>', '<text> <paragraph>a</paragraph> b </text>'],
    ['links to http(s) or anchors only', '<a href="https://example.org">web</a><a href="javascript:alert(1)">bad</a>', '<text><linkHtml href="https://example.org">web</linkHtml><linkHtml>bad</linkHtml></text>'],
    ['images as their alternative text', '<p><img src="x.png" alt="schéma"/></p>', '<text><paragraph>[image : schéma]</paragraph></text>'],
    ['ids kept as CDA IDs', '<p id="motif">m</p>', '<text><paragraph ID="motif">m</paragraph></text>'],
    ['attributes outside CDA enumerations dropped', '<table><tbody><tr><td align="middle" colspan="2">c</td></tr></tbody></table>', '<text><table><tbody><tr><td colspan="2">c</td></tr></tbody></table></text>'],
    ['loose text in a list wrapped in an item', '<ul>x<li>y</li></ul>', '<text><list><item>x</item><item>y</item></list></text>'],
  ])('%s', (_name, inner, expected) => {
    expect(convert(inner).text).toBe(expected);
  });

  it('drops an id already used in the document (xs:ID is unique) and says so', () => {
    const ids = new Set(['motif']);
    const r = convert('<p id="motif">m</p>', ids);
    expect(r.text).toBe('<text><paragraph>m</paragraph></text>');
    expect(r.warnings[0]).toMatch(/not a valid or unique CDA ID/);
  });

  it.each([['', undefined], [X('<p> </p>'), undefined], ['<div>not xhtml', undefined]])('has no narrative for %j', (div, expected) => {
    expect(narrativeBlock(div, { ids: new Set(), warn: () => undefined, path: 'x' })).toBe(expected);
  });

  it('refuses a DOCTYPE in the XHTML (no entity expansion)', () => {
    const warnings: string[] = [];
    const t = narrativeBlock('<!DOCTYPE x [<!ENTITY e "boom">]><div xmlns="http://www.w3.org/1999/xhtml">&e;</div>', { ids: new Set(), warn: (m) => void warnings.push(m), path: 'p' });
    expect(t).toBeUndefined();
    expect(warnings[0]).toMatch(/not well-formed/);
  });
});

