-- Resource bodies are compressed with lz4 rather than pglz where the server has it (PostgreSQL 14+
-- built with lz4, as Debian's and most distributions' are): a document's Bundle and Binary are tens
-- of KB, and pglz spent about a fifth of PostgreSQL's CPU time storing a document (HL7 v2 benchmark).
-- Existing values keep their compression; both are read alike. PGlite has no lz4: nothing changes.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE resource ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE resource_version ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE registry_export_file ALTER COLUMN content SET COMPRESSION lz4;
  END IF;
END
$$;
