// X-Provenance (R4 provenance.html#header): a write may carry a Provenance in this header; it is
// stored in the same transaction, targeting the new version. Rectification requests use it to
// record who asked for the correction and why.
import type { Provenance } from 'fhir/r4';
import type { Call, FhirResponse } from '../api/types.js';
import { create } from '../api/write.js';
import { runAfterCommit } from '../api/write-hooks.js';
import { badRequest } from '../fhir/errors.js';

const MAX_HEADER = 16 * 1024;

export function parseProvenanceHeader(text: string): Provenance {
  let p: unknown;
  try {
    if (text.length > MAX_HEADER) throw new Error('too long');
    p = JSON.parse(text);
  } catch {
    throw badRequest('The X-Provenance header must hold a Provenance resource as JSON (at most 16 KiB)');
  }
  if (!p || typeof p !== 'object' || (p as Provenance).resourceType !== 'Provenance') throw badRequest('The X-Provenance header must hold a Provenance resource');
  return p as Provenance;
}

/** Runs a write and stores the header's Provenance with it, atomically. */
export async function withProvenance(call: Call, write: (call: Call) => Promise<FhirResponse>): Promise<FhirResponse> {
  const provenance = parseProvenanceHeader(call.req.headers.xProvenance!);
  const afterCommit: (() => Promise<void>)[] = [];
  const out = await call.ctx.db.transaction(async (tx) => {
    const inner: Call = { ...call, tx, afterCommit };
    const written = await write(inner);
    if (written.location) {
      const { id: _id, meta: _meta, ...rest } = provenance;
      const body: Provenance = { ...rest, target: [{ reference: written.location }], recorded: provenance.recorded ?? new Date().toISOString() };
      await create({ ...inner, req: { method: 'POST', path: 'Provenance', query: [], headers: {} } }, 'Provenance', body);
    }
    return written;
  });
  await runAfterCommit(afterCommit);
  return out;
}
