// Wires the optional modules into the core (hooks, operations), once per process.
import type { ApiContext } from './api/types.js';

let installed = false;

export async function installModules(_ctx: ApiContext): Promise<void> {
  if (installed) return;
  installed = true;
}
