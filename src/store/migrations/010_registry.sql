-- Cancer registry (src/registry). Identity and clinical items are kept in separate tables: registrars'
-- linkage reads registry_identity, everything downstream (cases, exports, indicators) reads only the
-- pseudonymous tables. Rows are written by a write hook in the transaction that stores a cancer
-- document, so an accepted document always yields its source records.

-- One row per stored document version (record_id = 'Bundle/<id>'): the person as that document names them.
CREATE TABLE IF NOT EXISTS registry_identity (
  record_id    text PRIMARY KEY,
  document_ref text NOT NULL,                 -- Bundle/<id>/_history/<v>
  patient_id   text,                          -- clinical Patient id (restriction of processing is checked on it)
  traits       jsonb NOT NULL,                -- ExtractedPerson: INS, names, birth date, sex, birthplace, residence
  person_key   text,                          -- set by the last linkage run
  pseudonymised_at timestamptz,               -- traits reduced to the keyed person (retention, 24 months)
  withdrawn    boolean NOT NULL DEFAULT false, -- the document was entered in error or deleted
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS registry_identity_person ON registry_identity (person_key);
CREATE INDEX IF NOT EXISTS registry_identity_patient ON registry_identity (patient_id);

-- Tumour items of each document, without identifying traits.
CREATE TABLE IF NOT EXISTS registry_source (
  source_id    text PRIMARY KEY,              -- '<record_id>#<n>'
  record_id    text NOT NULL REFERENCES registry_identity (record_id) ON DELETE CASCADE,
  document_type text NOT NULL,
  item         jsonb NOT NULL,                -- ExtractedTumour
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS registry_source_record ON registry_source (record_id);

-- Registrars' decisions on pairs, reused by every later linkage run (a < b).
CREATE TABLE IF NOT EXISTS registry_link_decision (
  a text NOT NULL,
  b text NOT NULL,
  decision   text NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (a, b)
);

-- Pairs the last run proposed for clerical review (a < b).
CREATE TABLE IF NOT EXISTS registry_review (
  id          bigserial PRIMARY KEY,
  a           text NOT NULL,
  b           text NOT NULL,
  weight      double precision NOT NULL,
  probability double precision NOT NULL,
  levels      jsonb NOT NULL,                 -- per field: agreement level and weight
  proposed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (a, b)
);

-- Pseudonymous persons and consolidated tumours, rebuilt by each run.
CREATE TABLE IF NOT EXISTS registry_person (
  person_key  text PRIMARY KEY,
  sex         text NOT NULL,
  birth_date  text NOT NULL,                  -- kept for ages; exposed as the birth year only
  departement text,                           -- of residence, INSEE code
  restricted  boolean NOT NULL DEFAULT false,
  records     integer NOT NULL
);
CREATE TABLE IF NOT EXISTS registry_case (
  tumour_id   text PRIMARY KEY,
  id          text NOT NULL UNIQUE,           -- FHIR id of its Condition, BodyStructure and Provenance
  person_key  text NOT NULL REFERENCES registry_person (person_key) ON DELETE CASCADE,
  topography  text NOT NULL,
  morphology  integer NOT NULL,
  behaviour   integer NOT NULL,
  incidence_date text,
  tumour      jsonb NOT NULL,                 -- Tumour (src/registry/tumours/types.ts)
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS registry_case_person ON registry_case (person_key);
CREATE INDEX IF NOT EXISTS registry_case_topography ON registry_case (topography);

CREATE TABLE IF NOT EXISTS registry_run (
  id          bigserial PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  stats       jsonb
);

-- Bulk-style research exports: a job row, claimed with a lease by any node, and its NDJSON files.
CREATE TABLE IF NOT EXISTS registry_export (
  id           text PRIMARY KEY,
  project      text NOT NULL,
  types        text[] NOT NULL,
  request_url  text NOT NULL,
  requested_by text NOT NULL,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  progress     text,
  lease_until  timestamptz,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  transaction_time timestamptz
);
CREATE TABLE IF NOT EXISTS registry_export_file (
  export_id text NOT NULL REFERENCES registry_export (id) ON DELETE CASCADE,
  name      text NOT NULL,
  type      text NOT NULL,
  count     integer NOT NULL,
  content   text NOT NULL,
  PRIMARY KEY (export_id, name)
);
