-- Resources: the current version of each resource, and every version (history).
-- Content is the JSON text as served, so reads need no re-serialisation.
CREATE TABLE resource (
  rid          bigserial PRIMARY KEY,      -- surrogate key the index tables point to
  type         text        NOT NULL,
  id           text        NOT NULL,
  version      integer     NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted      boolean     NOT NULL DEFAULT false,
  content      text,                       -- null once deleted
  UNIQUE (type, id)
);
CREATE INDEX resource_type_updated ON resource (type, last_updated);
CREATE INDEX resource_updated ON resource (last_updated);

CREATE TABLE resource_version (
  rid          bigint      NOT NULL,
  type         text        NOT NULL,
  id           text        NOT NULL,
  version      integer     NOT NULL,
  last_updated timestamptz NOT NULL,
  method       text        NOT NULL,       -- POST, PUT, PATCH or DELETE
  deleted      boolean     NOT NULL,
  content      text,
  PRIMARY KEY (rid, version)
);
CREATE INDEX resource_version_updated ON resource_version (last_updated);
CREATE INDEX resource_version_type_updated ON resource_version (type, last_updated);
