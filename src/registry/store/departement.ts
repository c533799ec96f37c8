// Département of residence (indicators count by it) from the residence code a document gives: an
// INSEE commune code (2 characters, 3 overseas, 2A/2B for Corsica), else a postal code.
import { departementOf as fromPostalCode } from '../../retention/pseudonymise.js';

export function departementOf(residenceCode?: string, postalCode?: string): string | undefined {
  const insee = residenceCode?.trim().toUpperCase();
  if (insee && /^2[AB]\d{3}$/.test(insee)) return insee.slice(0, 2);
  return fromPostalCode(postalCode ?? insee);
}
