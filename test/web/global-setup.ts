// Vitest globalSetup: the browser tests need the built pages. Builds web/ into web/dist with Vite
// when the build is missing or older than a source (a no-op otherwise, so other test runs pay ~nothing).
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');
const BUILT = join(WEB, 'dist', 'index.html');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name.startsWith('.dist') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default async function setup(): Promise<void> {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(newest(WEB), newest(join(ROOT, 'profiles')))) return;
  // Built aside then swapped in, so that another test run reading web/dist never sees half a build.
  const { build } = await import('vite');
  const tmp = join(WEB, `.dist-${process.pid}`);
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
  const old = join(WEB, `.dist-old-${process.pid}`);
  if (existsSync(join(WEB, 'dist'))) renameSync(join(WEB, 'dist'), old);
  renameSync(tmp, join(WEB, 'dist'));
  rmSync(old, { recursive: true, force: true });
}
