// Builds the workbench (/) and the registry dashboard (/dashboard/) into web/dist, which the server
// serves (src/http/web.ts). Everything comes from npm packages; nothing is fetched at build or run time.
// The profile picker's list is made here from profiles/*.json, so the page ships only url, id, title and type.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const PROFILES = fileURLToPath(new URL('../profiles/', import.meta.url));

function shippedProfiles(): Plugin {
  const id = 'virtual:profiles';
  return {
    name: 'oncofhir-profiles',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const list = readdirSync(PROFILES)
        .filter((f) => f.startsWith('StructureDefinition-') && f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(PROFILES + f, 'utf8')) as { url: string; id: string; title?: string; type: string; kind: string })
        .filter((sd) => sd.kind === 'resource')
        .map(({ url, id: sdId, title, type }) => ({ url, id: sdId, title: title ?? sdId, type }))
        .sort((a, b) => a.id.localeCompare(b.id));
      return `export default ${JSON.stringify(list)};`;
    },
  };
}

export default defineConfig({
  root: ROOT,
  base: '/',
  logLevel: 'warn',
  plugins: [shippedProfiles()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the pages' CSP allows only same-origin files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { workbench: `${ROOT}index.html`, dashboard: `${ROOT}dashboard/index.html` },
      output: { chunkFileNames: 'assets/shared-[hash].js' },
    },
  },
});
