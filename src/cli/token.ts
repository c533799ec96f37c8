// `oncofhir token`: gets an access token from a running server's SMART backend-services endpoint,
// signing the client assertion with the local dev client's key (DATA_DIR/auth) or a given JWK.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { loadConfig } from '../config.js';
import { DEV_CLIENT_ID, devClientPrivateKey } from '../security/clients.js';
import { requestToken } from '../security/client-assertion.js';

export function tokenCommand(): Command {
  return new Command('token')
    .description('Print an access token from a running oncofhir (SMART backend services: client_credentials + private_key_jwt)')
    .option('--client <id>', 'client id', DEV_CLIENT_ID)
    .option('--scope <scopes>', 'requested scopes', 'system/*.cruds')
    .option('--key <file>', 'private JWK of the client (default for "dev": DATA_DIR/auth/dev-client.private.jwk)')
    .option('--url <tokenUrl>', 'token endpoint (default: <origin of BASE_URL>/auth/token)')
    .option('--json', 'print the whole token response as JSON')
    .addHelpText('after', `\nExample:\n  curl -H "Authorization: Bearer $(npx oncofhir token --scope 'system/*.rs')" http://localhost:8080/fhir/Patient`)
    .action(async (opts: { client: string; scope: string; key?: string; url?: string; json?: boolean }) => {
      const config = loadConfig();
      const privateJwk: JWK = opts.key
        ? (JSON.parse(readFileSync(opts.key, 'utf8')) as JWK)
        : opts.client === DEV_CLIENT_ID
          ? await devClientPrivateKey(config.dataDir)
          : fail(`--key is needed for client "${opts.client}"`);
      const tokenUrl = opts.url ?? `${new URL(config.baseUrl).origin}/auth/token`;
      try {
        const t = await requestToken({ tokenUrl, clientId: opts.client, privateJwk, scope: opts.scope });
        console.log(opts.json ? JSON.stringify(t, null, 2) : t.access_token);
      } catch (e) {
        fail((e as Error).message + (String((e as Error).cause ?? '').includes('ECONNREFUSED') ? ` (is the server running at ${tokenUrl}?)` : ''));
      }
    });
}

function fail(message: string): never {
  console.error(`oncofhir token: ${message}`);
  process.exit(1);
}
