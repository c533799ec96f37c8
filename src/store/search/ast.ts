// The typed form of a search request, produced by parse.ts and turned into SQL by sql.ts.
import type { SearchParamType } from '../../fhir/search-params.js';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** Canonical (UCUM base unit) form of a quantity search value. */
export interface CanonValue { code: string; value: string; lo: string; hi: string }

export type Value =
  | { k: 'number'; prefix: Prefix; value: string; lo: string; hi: string }
  | { k: 'date'; prefix: Prefix; lo: string; hi: string }
  | { k: 'string'; text: string }
  /** system undefined: any system; null: no system (`|code`). */
  | { k: 'token'; system?: string | null; code?: string; text?: string; typeSystem?: string; typeCode?: string }
  | { k: 'quantity'; prefix: Prefix; value: string; lo: string; hi: string; system?: string; code?: string; canon?: CanonValue }
  /** A local target (type and/or id), a url, or (with :identifier) an identifier token. */
  | { k: 'reference'; type?: string; id?: string; url?: string; identifier?: { system?: string | null; value?: string } }
  | { k: 'uri'; uri: string }
  | { k: 'composite'; parts: Value[] };

interface Base {
  /** The parameter name as sent (with modifiers and chain), for error locations. */
  name: string;
  /** Resource types the clause applies to. */
  types: string[];
}

export type Clause =
  /** code[:modifier]=v1,v2 (values are ORed). */
  | (Base & { kind: 'param'; code: string; ptype: SearchParamType; modifier?: string; values: Value[]; componentTypes?: SearchParamType[] })
  | (Base & { kind: 'missing'; code: string; ptype: SearchParamType; missing: boolean })
  /** ref[:Type].rest=… : resources whose reference points to a target matching inner. */
  | (Base & { kind: 'chain'; code: string; targetTypes: string[]; inner: Clause })
  /** _has:Source:ref:rest=… : resources referenced (via ref) by a Source matching inner. */
  | (Base & { kind: 'has'; sourceType: string; refParam: string; inner: Clause })
  | (Base & { kind: 'id'; ids: string[]; not: boolean })
  | (Base & { kind: 'lastUpdated'; values: Extract<Value, { k: 'date' }>[] });

export interface SortKey { code: string; desc: boolean; ptype: SearchParamType | 'id' | 'lastUpdated' }

export interface IncludeSpec {
  /** The resource type holding the reference (Observation in Observation:subject). */
  sourceType: string;
  /** Reference parameter code, or '*' for all of them. */
  param: string;
  targetType?: string;
  iterate: boolean;
}

export interface SearchQuery {
  /** Resource types searched (one for a type search; _type or all for system searches). */
  types: string[];
  system: boolean;
  clauses: Clause[];
  sort: SortKey[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  count?: number;
  total?: 'none' | 'estimate' | 'accurate';
  summaryCount: boolean;
  /** Parameters ignored under handling=lenient, reported in an OperationOutcome entry. */
  ignored: string[];
}
