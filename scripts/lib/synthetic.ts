// Deterministic synthetic patients with vital-sign Observations, as transaction Bundles,
// for benchmarks that need more data than the Synthea corpus holds.
import type { Bundle, BundleEntry, Observation, Patient, Resource } from 'fhir/r4';

const FAMILY = ['Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Lefèbvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard'];
const GIVEN = ['Marie', 'Jean', 'Nathalie', 'Pierre', 'Isabelle', 'Michel', 'Sylvie', 'André', 'Catherine', 'Philippe', 'Françoise', 'Louis', 'Émilie', 'Hélène', 'Noël'];
const CODES = [
  { code: '8480-6', display: 'Systolic blood pressure', unit: 'mm[Hg]', base: 120 },
  { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mm[Hg]', base: 80 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', base: 70 },
  { code: '8302-2', display: 'Body height', unit: 'cm', base: 170 },
  { code: '8867-4', display: 'Heart rate', unit: '/min', base: 70 },
];

/** A small deterministic PRNG so runs are comparable. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export const patientIdentifier = (n: number) => `BENCH-${String(n).padStart(7, '0')}`;
export const IDENTIFIER_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.10';

export function syntheticPatient(n: number): Patient {
  const r = rng(n + 1);
  const year = 1930 + Math.floor(r() * 80);
  return {
    resourceType: 'Patient',
    identifier: [{ system: IDENTIFIER_SYSTEM, value: patientIdentifier(n) }],
    name: [{ family: FAMILY[Math.floor(r() * FAMILY.length)], given: [GIVEN[Math.floor(r() * GIVEN.length)]] }],
    gender: r() < 0.5 ? 'female' : 'male',
    birthDate: `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
    address: [{ city: 'Lyon', postalCode: `690${String(Math.floor(r() * 10)).padStart(2, '0')}`, country: 'FR' }],
  };
}

export function syntheticObservation(n: number, k: number, subject: string): Observation {
  const r = rng(n * 31 + k + 7);
  const c = CODES[k % CODES.length];
  const day = 1 + Math.floor(r() * 28);
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: c.code, display: c.display }] },
    subject: { reference: subject },
    effectiveDateTime: `20${String(15 + (k % 10)).padStart(2, '0')}-${String(1 + (k % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00Z`,
    valueQuantity: { value: Math.round((c.base * (0.8 + r() * 0.4)) * 10) / 10, unit: c.unit, system: 'http://unitsofmeasure.org', code: c.unit },
  };
}

/** Patients [from, to) with their observations, as one transaction Bundle. */
export function syntheticTransaction(from: number, to: number, observationsPerPatient: number, opts: { patientIds?: 'put' } = {}): Bundle<Resource> {
  const entry: BundleEntry<Resource>[] = [];
  for (let n = from; n < to; n++) {
    const pUrl = `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    // With patientIds 'put', patients get the known ids bench-<n> so queries can name them.
    entry.push(opts.patientIds === 'put'
      ? { fullUrl: pUrl, resource: { ...syntheticPatient(n), id: `bench-${n}` }, request: { method: 'PUT', url: `Patient/bench-${n}` } }
      : { fullUrl: pUrl, resource: syntheticPatient(n), request: { method: 'POST', url: 'Patient' } });
    for (let k = 0; k < observationsPerPatient; k++) {
      entry.push({ resource: syntheticObservation(n, k, pUrl), request: { method: 'POST', url: 'Observation' } });
    }
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
