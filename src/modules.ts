// Wires the optional modules into the core (hooks, operations), once per process.
import type { ApiContext } from './api/types.js';
import { setStructureCheck } from './api/incoming.js';
import { checkStructure } from './fhir/structure.js';
import { activateStoredSearchParameters } from './api/search-parameter-activation.js';
import { loadStoredSearchParameters } from './store/indexing/index.js';

let installed = false;

export async function installModules(ctx: ApiContext): Promise<void> {
  await loadStoredSearchParameters(ctx.db);
  if (installed) return;
  installed = true;
  activateStoredSearchParameters();
  // Every write is checked against the base R4 structure (unknown elements, primitive formats).
  setStructureCheck(checkStructure);
}
