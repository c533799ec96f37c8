// Resource ids, versions and ETags.
import { randomUUID } from 'node:crypto';
import { badRequest } from '../fhir/errors.js';

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

export const newId = (): string => randomUUID();

export function checkId(id: string, where = 'id'): string {
  if (!ID_RE.test(id)) throw badRequest(`Invalid resource id "${id.slice(0, 80)}": ids are 1–64 characters of A-Z a-z 0-9 - .`, [where]);
  return id;
}

export const etag = (version: string | number): string => `W/"${version}"`;

/** Reads a version from an ETag such as W/"3" or "3"; undefined when it is not one. */
export function versionFromEtag(tag: string | undefined): number | undefined {
  if (!tag) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(tag.trim());
  return m ? Number(m[1]) : NaN;
}
