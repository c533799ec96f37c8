// Authentication failures: 401 with a WWW-Authenticate challenge (RFC 6750), never with details
// that would help a forger beyond the category.
import { FhirError } from '../fhir/errors.js';

export class AuthError extends FhirError {
  constructor(
    message: string,
    readonly challenge = 'invalid_token',
  ) {
    super(401, message, 'login');
  }
}

export const forbidden = (message: string): FhirError => new FhirError(403, message, 'forbidden');
