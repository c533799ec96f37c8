-- Search index additions (owned by src/store/indexing, see its README.md).

-- Identifier.type for token :of-type (one idx_token row per type coding).
ALTER TABLE idx_token ADD COLUMN type_system text;
ALTER TABLE idx_token ADD COLUMN type_code text;
CREATE INDEX idx_token_of_type ON idx_token (rtype, param, type_code, code) WHERE type_code IS NOT NULL;

-- A Range in a quantity parameter has no single value: value is null, lo/hi are its bounds.
ALTER TABLE idx_quantity ALTER COLUMN value DROP NOT NULL;

-- Composite parameters: one row per combination of component values taken from the same context
-- node (the resource, or one Observation.component), so that both parts must match together.
-- Component i (1..3) uses the columns of its kind:
--   token: ci_system, ci_code | string: ci_code (normalised) | uri: ci_code
--   reference: ci_system = target type, ci_code = 'Type/id' or the url
--   number: ci_value, ci_lo, ci_hi | quantity: those plus ci_system, ci_code, ci_canon_value, ci_canon_code
--   date: ci_dlo, ci_dhi
CREATE TABLE idx_composite (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  c1_system text, c1_code text, c1_value numeric, c1_lo numeric, c1_hi numeric, c1_canon_value numeric, c1_canon_code text, c1_dlo timestamptz, c1_dhi timestamptz,
  c2_system text, c2_code text, c2_value numeric, c2_lo numeric, c2_hi numeric, c2_canon_value numeric, c2_canon_code text, c2_dlo timestamptz, c2_dhi timestamptz,
  c3_system text, c3_code text, c3_value numeric, c3_lo numeric, c3_hi numeric, c3_canon_value numeric, c3_canon_code text, c3_dlo timestamptz, c3_dhi timestamptz
);
CREATE INDEX idx_composite_lookup ON idx_composite (rtype, param, c1_code, c1_system);
CREATE INDEX idx_composite_rid ON idx_composite (rid);
