-- Tamper-evident audit trail (owned by src/security/audit). Each row is one FHIR AuditEvent,
-- chained by hash: hash = sha256(prev_hash || '\n' || canonical JSON of resource). `pos` is the
-- chain position (1, 2, 3… with no gap). The one-row head is locked FOR UPDATE by every append,
-- which serialises appends across all server nodes sharing this database.
CREATE TABLE audit_event (
  pos        bigint      PRIMARY KEY,
  id         text        NOT NULL UNIQUE,          -- AuditEvent.id (uuid)
  recorded   timestamptz NOT NULL,                 -- AuditEvent.recorded, non-decreasing with pos
  subtype    text        NOT NULL,                 -- AuditEvent.subtype[0].code
  action     text        NOT NULL,
  outcome    integer     NOT NULL,
  client_id  text        NOT NULL,
  subject    text        NOT NULL,
  address    text,                                 -- network address of the requesting client
  patient    text[]      NOT NULL DEFAULT '{}',    -- patient ids (entity role 1)
  entity     text[]      NOT NULL DEFAULT '{}',    -- 'Type/id' and 'Type/id/_history/v' references
  resource   jsonb       NOT NULL,
  prev_hash  text        NOT NULL,
  hash       text        NOT NULL
);
CREATE INDEX audit_event_recorded ON audit_event (recorded);
CREATE INDEX audit_event_patient ON audit_event USING gin (patient);
CREATE INDEX audit_event_entity ON audit_event USING gin (entity);
CREATE INDEX audit_event_client ON audit_event (client_id, pos);
CREATE INDEX audit_event_subject ON audit_event (subject, pos);

CREATE TABLE audit_chain_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  pos   bigint  NOT NULL,
  hash  text    NOT NULL
);
INSERT INTO audit_chain_head (id, pos, hash) VALUES (1, 0, repeat('0', 64));

-- Defence in depth: the database itself refuses to change or remove audit records, whatever
-- the client. Only audit_event and the head are concerned; other tables (retention purges,
-- search snapshots…) are unaffected. An administrator can still disable the triggers, which
-- `oncofhir audit verify` would then expose through the hash chain.
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP USING ERRCODE = '55000';
END
$$;
CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- The head only moves forward; it is never deleted.
CREATE FUNCTION audit_chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.pos < OLD.pos THEN
    RAISE EXCEPTION 'audit_chain_head only moves forward: % is not allowed', TG_OP USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain_head_guard BEFORE UPDATE OR DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
