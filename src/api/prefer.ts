// Parsing of the Prefer header (return=…, handling=…).
export interface Preferences {
  return?: 'minimal' | 'representation' | 'OperationOutcome';
  handling: 'strict' | 'lenient';
}

export function parsePrefer(header: string | undefined): Preferences {
  const out: Preferences = { handling: 'lenient' };
  for (const part of (header ?? '').split(/[;,]/)) {
    const [k, v] = part.trim().split('=').map((s) => s?.trim().replace(/^"|"$/g, ''));
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'OperationOutcome')) out.return = v;
    if (k === 'handling' && (v === 'strict' || v === 'lenient')) out.handling = v;
  }
  return out;
}
