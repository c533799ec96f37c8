// Public API of the validator.
export { validateResource, type ValidateOptions } from './validator.js';
export { addStructureDefinition, removeStructureDefinition, getStructureDefinition, loadProfilesFrom } from './registry.js';
export { snapshotOf } from './snapshot.js';
export { compiledProfile } from './compile.js';
export { setCodeValidator, bindingsAvailable } from './bindings.js';
export { readResourceFile, resourcesOf, listResourceFiles } from './registry.js';
export { loadSupporting, unloadSupporting } from './supporting.js';
