-- Mon espace santé delivery outbox (src/exchange): one row per (DocumentReference, action), written
-- in the same transaction as the document, so an accepted document is never lost and enqueueing
-- twice does nothing. Rows of one document set (set_key = its CDA setId) are delivered in order.
--   status: queued → sent | failed (permanent, last_error says why) | withheld (opposition or
--   restriction of the patient, at enqueue or at delivery time).
CREATE TABLE IF NOT EXISTS mhd_outbox (
  id bigserial PRIMARY KEY,
  document_ref text NOT NULL,
  action text NOT NULL CHECK (action IN ('provide', 'replace', 'delete')),
  set_key text NOT NULL,
  master_identifier text,
  patient_id text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'withheld')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  response_status integer,
  response_location text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  UNIQUE (document_ref, action)
);
CREATE INDEX IF NOT EXISTS mhd_outbox_due ON mhd_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS mhd_outbox_set ON mhd_outbox (set_key, id);
