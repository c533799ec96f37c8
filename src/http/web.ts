// The web pages (issue 8): the conformance workbench at / and the registry dashboard at /dashboard/,
// built by `npm run build:web` (Vite, web/) into web/dist and served here as static files. The pages
// call the public API (FHIR base, /registry) with the user's token like any client: nothing here
// reads data or bypasses authentication. `npm start` builds them first (prestart); a server started
// otherwise without a build answers / with a short note saying how to build.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

// The API's CSP is default-src 'none' (nothing it sends is a page). The pages need their own
// same-origin scripts, styles, fetches and images (Chart.js draws on canvas; downloads are blob:
// links, which are navigations, not fetches) — still no inline script, no eval, no other origin.
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = 'The oncofhir web pages are not built: run `npm run build:web` (or start with `npm start`, which builds them).\n';

/** Static pages, or nothing when the FHIR base is / itself (the pages would shadow FHIR there). */
export function webPages(fhirBasePath: string, dist: string = WEB_DIST): RequestHandler {
  const router = express.Router();
  if (fhirBasePath === '/') return router;
  router.use(
    express.static(dist, {
      index: 'index.html',
      redirect: true,
      dotfiles: 'ignore',
      setHeaders(res, path) {
        res.setHeader('Content-Security-Policy', PAGE_CSP); // only on the files served here
        // Hashed bundles never change; the HTML keeps no-store (set for every response) so a new build shows at once.
        if (path.includes('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  router.get(['/', '/dashboard', '/dashboard/'], (_req: Request, res: Response, next) => {
    if (existsSync(`${dist}index.html`)) return next();
    res.status(503).type('text/plain').send(NOT_BUILT);
  });
  return router;
}
