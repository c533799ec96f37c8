-- Typed search indexes, filled at write time from each SearchParameter's FHIRPath expression.
-- Every row names the resource (rid), its type and the parameter code; values are typed per kind.

CREATE TABLE idx_string (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  norm  text COLLATE "C" NOT NULL,   -- lower case, accents removed, for default and :contains
  exact text NOT NULL                -- as written, for :exact
);
CREATE INDEX idx_string_lookup ON idx_string (rtype, param, norm);
CREATE INDEX idx_string_rid ON idx_string (rid);

CREATE TABLE idx_token (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  system text,                       -- null when the value has no system
  code   text,
  text   text                        -- normalised display/text, for :text
);
CREATE INDEX idx_token_lookup ON idx_token (rtype, param, code, system);
CREATE INDEX idx_token_rid ON idx_token (rid);

CREATE TABLE idx_date (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  lo timestamptz NOT NULL,           -- inclusive start of the value's implicit range
  hi timestamptz NOT NULL            -- inclusive end
);
CREATE INDEX idx_date_lo ON idx_date (rtype, param, lo);
CREATE INDEX idx_date_hi ON idx_date (rtype, param, hi);
CREATE INDEX idx_date_rid ON idx_date (rid);

CREATE TABLE idx_number (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  value numeric NOT NULL, lo numeric NOT NULL, hi numeric NOT NULL   -- range implied by precision
);
CREATE INDEX idx_number_lookup ON idx_number (rtype, param, value);
CREATE INDEX idx_number_rid ON idx_number (rid);

CREATE TABLE idx_quantity (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  value numeric NOT NULL, lo numeric NOT NULL, hi numeric NOT NULL,
  system text, code text, unit text,
  canon_value numeric, canon_code text  -- UCUM canonical form when convertible
);
CREATE INDEX idx_quantity_lookup ON idx_quantity (rtype, param, value);
CREATE INDEX idx_quantity_canon ON idx_quantity (rtype, param, canon_code, canon_value);
CREATE INDEX idx_quantity_rid ON idx_quantity (rid);

CREATE TABLE idx_reference (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  target_type text,                  -- for local and relative references
  target_id   text,
  url         text,                  -- absolute or canonical reference (version stripped)
  ident_system text, ident_value text  -- Reference.identifier, for :identifier
);
CREATE INDEX idx_reference_target ON idx_reference (rtype, param, target_id, target_type);
CREATE INDEX idx_reference_url ON idx_reference (rtype, param, url);
CREATE INDEX idx_reference_ident ON idx_reference (rtype, param, ident_value);
CREATE INDEX idx_reference_rid ON idx_reference (rid);
CREATE INDEX idx_reference_reverse ON idx_reference (target_type, target_id);

CREATE TABLE idx_uri (
  rid bigint NOT NULL, rtype text NOT NULL, param text NOT NULL,
  value text COLLATE "C" NOT NULL
);
CREATE INDEX idx_uri_lookup ON idx_uri (rtype, param, value);
CREATE INDEX idx_uri_rid ON idx_uri (rid);
