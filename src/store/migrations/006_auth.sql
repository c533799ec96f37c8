-- Signing keys of the built-in token endpoint, shared by every server node through the database.
CREATE TABLE IF NOT EXISTS auth_signing_key (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Client assertion ids already used (replay protection of private_key_jwt), until they expire.
CREATE TABLE IF NOT EXISTS auth_jti (
  client_id text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX IF NOT EXISTS auth_jti_expires ON auth_jti (expires_at);
