// The tamper-evident audit trail (IHE BALP style). Owns src/security/audit and the audit_event /
// audit_chain_head tables (migration 005); touches no other table.
//
//   recordAudit(db, input)  builds a BALP AuditEvent and appends it to the hash chain; resolves
//                           only once the record is committed (group commit, see group-commit.ts)
//   verifyAuditChain(q)     re-checks the whole chain (CLI: `oncofhir audit verify`)
//   auditApi(call, parts)   AuditEvent read/search; any write answers 405
//
// Call recordAudit after the audited interaction's own transaction has finished, not inside it:
// the append runs in a transaction of its own, and on PGlite (one connection) waiting for it
// from inside another open transaction would never end.
import type { Db } from '../../store/db.js';
import type { AuditInput } from './audit-input.js';
import { buildAuditEvent, checkInput } from './build-event.js';
import { commitAuditEvent } from './group-commit.js';

export type { AuditInput } from './audit-input.js';
export { buildAuditEvent, outcomeOf } from './build-event.js';
export { canonicalJson } from './canonical-json.js';
export { GENESIS_HASH, chainHash } from './chain-hash.js';
export { verifyAuditChain, type VerifyResult, type BrokenLink, type VerifyOptions } from './verify.js';
export { auditApi, READ_ONLY_MESSAGE } from './api.js';
export { auditEventCapability } from './capability.js';

/** Records one audit event durably: resolves once it is committed in the chain, rejects if the
 *  flush that carried it failed (or, at once, if the input is malformed). */
export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  checkInput(input);
  await commitAuditEvent(db, buildAuditEvent(input));
}
