-- HL7 v2 messages received over MLLP: one row per (sender, control id), holding the ACK that was
-- sent, so that a message resent because its ACK was lost gets the same ACK without being
-- processed twice.
CREATE TABLE IF NOT EXISTS hl7_message (
  sending_application text NOT NULL,
  sending_facility text NOT NULL,
  control_id text NOT NULL,
  message_type text NOT NULL,
  content_hash text NOT NULL,
  ack_code text NOT NULL,
  ack text NOT NULL,
  document_ids text[] NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sending_application, sending_facility, control_id)
);
CREATE INDEX IF NOT EXISTS hl7_message_received ON hl7_message (received_at);
