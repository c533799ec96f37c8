-- Retention (owned by src/retention): when each person was last used, and when their data were
-- pseudonymised. The pseudonymisation rewrite does not change last_updated nor add versions, and
-- the clock of the 20-year limit runs from the last use recorded here at pseudonymisation.
CREATE TABLE retention_state (
  patient_id       text PRIMARY KEY,       -- Patient resource id
  last_use         timestamptz NOT NULL,   -- last use before pseudonymisation
  pseudonymised_at timestamptz             -- null until pseudonymised
);

-- HMAC key of patient pseudonyms when PSEUDONYM_SECRET is not set: generated once by the first
-- node that needs it, so that every node computes the same pseudonym.
CREATE TABLE retention_key (
  id      integer PRIMARY KEY CHECK (id = 1),
  secret  text        NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);

-- When the last scheduled run finished, so that nodes sharing the database run once per interval.
CREATE TABLE retention_run (
  id       integer PRIMARY KEY CHECK (id = 1),
  finished timestamptz NOT NULL
);
