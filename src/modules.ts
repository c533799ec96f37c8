// Wires the modules into the core (write checks, hooks, operations), once per process, and keeps
// definitions stored by other server nodes (SearchParameters, StructureDefinitions) in sync.
import type { ApiContext } from './api/types.js';
import { setStructureCheck } from './api/incoming.js';
import { activateStoredSearchParameters } from './api/search-parameter-activation.js';
import { loadStoredSearchParameters, refreshSearchParameters } from './store/indexing/index.js';
import { loadShippedProfiles } from './documents/profiles.js';
import { registerPatientRightsOperations } from './patient-rights/index.js';
import { registerCdaValidationOperation } from './cda/validation/operation.js';
import { registerSubmitCdaOperation } from './documents/submit.js';
import { registerConversionOperations } from './documents/convert-operations.js';
import { registerHl7v2ConversionOperation } from './hl7v2/convert-operation.js';
import { registerHl7v2ValidationOperation } from './hl7v2/validate-operation.js';
import { setDocumentSink } from './hl7v2/intake.js';
import { cdaDocumentSink } from './hl7v2/document-sink.js';
import { installOutboxHook, registerDeliveryStatusOperation } from './exchange/index.js';
import { installRegistryIntakeHook } from './registry/store/intake.js';
import { refreshProfilesFromStore, registerValidationOperations, validateOnWrite } from './validation/operations.js';
import { setTerminologyLoader } from './validation/supporting.js';
import { installTerminologyWriteHook, refreshFromStore as refreshTerminology, registerTerminologyOperations, terminologyLoader } from './terminology/index.js';

const PROFILES_DIR = new URL('../profiles/', import.meta.url).pathname;
const SYNC_INTERVAL_MS = 5000;

let installed = false;

export async function installModules(ctx: ApiContext): Promise<void> {
  await loadStoredSearchParameters(ctx.db);
  await refreshProfilesFromStore(ctx.db);
  await refreshTerminology(ctx.db);
  if (installed) return;
  installed = true;
  loadShippedProfiles(PROFILES_DIR); // our profiles, value sets and code systems
  activateStoredSearchParameters();
  registerValidationOperations();
  registerTerminologyOperations();
  registerPatientRightsOperations();
  registerCdaValidationOperation(); // POST $validate-cda (CI-SIS CDA documents)
  registerSubmitCdaOperation(); // POST $submit-cda: validate, convert and store a CDA document
  registerConversionOperations(); // POST $cda-to-fhir and Bundle/$to-cda: read-only conversions
  registerHl7v2ValidationOperation(); // POST $validate-hl7v2: dry run of an HL7 v2 CDA message
  registerHl7v2ConversionOperation(); // POST $hl7v2-to-fhir: the Bundle of the CDA a message carries
  setDocumentSink(cdaDocumentSink); // HL7 v2 (MLLP) messages take the same path
  installOutboxHook(); // accepted CDA documents are enqueued for Mon espace santé in their own transaction
  registerDeliveryStatusOperation(); // GET DocumentReference/{id}/$delivery-status
  installRegistryIntakeHook(); // accepted cancer documents yield registry source records in their own transaction
  installTerminologyWriteHook();
  setTerminologyLoader(terminologyLoader);
  // Every write is validated against the base spec and its declared profiles (400 / 422).
  setStructureCheck(validateOnWrite);
}

const lastSync = new WeakMap<object, number>();

/** Cheap version checks, at most every few seconds per database, before serving a request. */
export async function syncFromStore(ctx: ApiContext): Promise<void> {
  const now = Date.now();
  if (now - (lastSync.get(ctx.db) ?? 0) < SYNC_INTERVAL_MS) return;
  lastSync.set(ctx.db, now);
  await refreshSearchParameters(ctx.db, 0);
  await refreshProfilesFromStore(ctx.db);
  await refreshTerminology(ctx.db);
}
