// Wires the optional modules into the core (hooks, operations), once per process.
import type { ApiContext } from './api/types.js';
import { setStructureCheck } from './api/incoming.js';
import { checkStructure } from './fhir/structure.js';

let installed = false;

export async function installModules(_ctx: ApiContext): Promise<void> {
  if (installed) return;
  installed = true;
  // Every write is checked against the base R4 structure (unknown elements, primitive formats).
  setStructureCheck(checkStructure);
}
