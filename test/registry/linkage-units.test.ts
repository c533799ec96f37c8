// Record linkage building blocks: normalisation, Soundex2, Jaro–Winkler, tolerant dates, name comparisons.
import { describe, expect, it } from 'vitest';
import { normaliseName, normaliseNir } from '../../src/registry/linkage/normalise.js';
import { soundex2 } from '../../src/registry/linkage/phonetic.js';
import { jaro, jaroWinkler } from '../../src/registry/linkage/jaro-winkler.js';
import { compareDates, DATE_LEVELS } from '../../src/registry/linkage/dates.js';
import { compareGivenNames, compareNames } from '../../src/registry/linkage/compare.js';
import { keyedIns } from '../../src/registry/linkage/keyed-ins.js';

describe('normaliseName', () => {
  it.each([
    ['Hélène', 'HELENE'],
    ['  le   Gall ', 'LEGALL'],
    ['Le-Gall', 'LEGALL'],
    ["N'Diaye", 'NDIAYE'],
    ["d'Almeida", 'ALMEIDA'],
    ['De La Fontaine', 'LAFONTAINE'],
    ['Du Pont', 'PONT'],
    ['De', 'DE'],
    ['Lætitia', 'LAETITIA'],
    ['Cœur', 'COEUR'],
    ['Jean-Pierre', 'JEANPIERRE'],
    ['François', 'FRANCOIS'],
    ['', ''],
  ])('%s → %s', (input, out) => expect(normaliseName(input)).toBe(out));
  it('NIR: key dropped, Corsica kept, malformed refused', () => {
    expect(normaliseNir('2 79 03 56 123 456 78')).toBe('2790356123456');
    expect(normaliseNir('1 80 12 2A 012 345')).toBe('180122A012345');
    expect(normaliseNir('12345')).toBeUndefined();
    expect(normaliseNir(undefined)).toBeUndefined();
  });
});

describe('soundex2 (Brouard)', () => {
  it.each([
    ['MARTIN', 'MRTN'],
    ['MARTAIN', 'MRTN'],
    ['PHILIPPE', 'FLP'],
    ['FILIPE', 'FLP'],
    ['DUBOIS', 'DB'], // terminal S is silent
    ['DUBOI', 'DB'],
    ['GAUTHIER', 'KTR'],
    ['GAUTIER', 'KTR'],
    ['QUINTIN', 'KNTN'],
    ['SCHMITT', 'SMT'],
    ['', ''],
  ])('%s → %s', (input, out) => expect(soundex2(input)).toBe(out));
  it('codes spelling variants alike', () => {
    expect(soundex2('FAURE')).toBe(soundex2('FORE'));
    expect(soundex2('ROUSSEAU')).toBe(soundex2('ROUSSAU'));
  });
});

describe('Jaro–Winkler', () => {
  // Reference values from Winkler (1990) / the usual test pairs.
  it.each([
    ['MARTHA', 'MARHTA', 0.944, 0.961],
    ['DWAYNE', 'DUANE', 0.822, 0.84],
    ['DIXON', 'DICKSONX', 0.767, 0.813],
    ['ABC', 'ABC', 1, 1],
    ['ABC', 'XYZ', 0, 0],
    ['', 'ABC', 0, 0],
  ])('%s / %s', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(jw, 3);
  });
});

describe('birth dates', () => {
  it.each([
    ['1979-03-14', '1979-03-14', DATE_LEVELS.exact],
    ['1979-03-04', '1979-04-03', DATE_LEVELS.close], // day/month swap
    ['1979-03-14', '1978-03-14', DATE_LEVELS.close], // one digit
    ['1979-03-14', '1979-03-15', DATE_LEVELS.close],
    ['1979-03-14', '1997-03-14', DATE_LEVELS.disagree], // two digits
    ['1979-03-14', '1980-03-14', DATE_LEVELS.disagree],
    ['1979-03-14', '', DATE_LEVELS.disagree],
  ])('%s vs %s', (a, b, level) => expect(compareDates(a, b)).toBe(level));
});

describe('names', () => {
  it('birth name and used name are compared crosswise', () => {
    expect(compareNames(['LEGALL', 'MORVAN'], ['MORVAN'])).toBe(3);
    expect(compareNames(['KERBRAT'], ['KERBRATT'])).toBe(2);
    expect(compareNames(['DUPONT'], ['MARTIN'])).toBe(0);
  });
  it('given names regardless of order; twins apart', () => {
    expect(compareGivenNames(['ANNE', 'SOPHIE'], ['SOPHIE', 'ANNE'])).toBe(2);
    expect(compareGivenNames(['SOPHIE'], ['ANNE', 'SOPHIE'])).toBe(2);
    expect(compareGivenNames(['MATHIEU'], ['MATTHIEU'])).toBe(1);
    expect(compareGivenNames(['PAUL'], ['JEAN'])).toBe(0);
    expect(compareGivenNames([], ['JEAN'])).toBe(-1);
  });
  it('keyed INS depends on the secret, the NIR, the birth date and the sex', () => {
    const k1 = Buffer.from('k1'), k2 = Buffer.from('k2');
    const a = keyedIns(k1, '279035612345678', '1979-03-14', 'F');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedIns(k1, '2 79 03 56 123 456', '1979-03-14', 'F')).toBe(a); // key digits and spaces ignored
    expect(keyedIns(k2, '279035612345678', '1979-03-14', 'F')).not.toBe(a);
    expect(keyedIns(k1, '279035612345678', '1979-03-15', 'F')).not.toBe(a);
    expect(keyedIns(k1, undefined, '1979-03-14', 'F')).toBeUndefined();
  });
});
