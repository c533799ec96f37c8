-- Paging snapshots (owned by src/store/search): the ordered rids of a multi-page search result,
-- so that later pages do not shift while data changes, on any stateless server node.
CREATE TABLE search_snapshot (
  id       uuid PRIMARY KEY,
  created  timestamptz NOT NULL DEFAULT now(),
  expires  timestamptz NOT NULL,
  rids     bigint[]    NOT NULL,           -- at most the configured cap
  matched  integer     NOT NULL,           -- rows seen when building it (cap + 1 = more than the cap)
  total    integer,                        -- exact total when known
  request  jsonb       NOT NULL            -- type and parameters, for _include/_revinclude on later pages
);
CREATE INDEX search_snapshot_expires ON search_snapshot (expires);
