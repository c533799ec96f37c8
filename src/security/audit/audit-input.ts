// What a door (HTTP, token endpoint, HL7 v2, jobs) tells the audit trail about one event.
export interface AuditInput {
  /** BALP / FHIR restful-interaction subtype code: read, vread, search-type, search-system, history-instance, history-type, history-system, create, update, patch, delete, transaction, batch, operation, capabilities; or one of our own: login (token request), validate, hl7v2-message, link-decision, export, retention-purge, patient-rights */
  subtype: string;
  /** FHIR AuditEvent.action: C R U D E */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** HTTP-like status of the outcome (200, 201, 403, 404, 500…); mapped to AuditEvent.outcome 0/4/8/12 */
  status: number;
  /** Short, non-identifying description for failures (never a stack trace or patient data) */
  outcomeDesc?: string;
  agent: { subject: string; clientId: string; issuer?: string; address?: string; userAgent?: string };
  /** Resources concerned: 'Type/id' or 'Type/id/_history/v' references */
  entities?: string[];
  /** For searches: the query string (e.g. 'Patient?family=x'), recorded as entity.query base64 per BALP */
  query?: string;
  /** Patient ids (or 'Patient/id' refs) concerned, recorded as BALP patient entities */
  patients?: string[];
  requestId?: string;
  operation?: string; // operation name without $ for subtype 'operation'
}
